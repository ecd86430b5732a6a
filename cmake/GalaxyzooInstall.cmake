# install(): headers, the library, exported targets and the package config, so that
# consumers write find_package(galaxyzoo) and link galaxyzoo::galaxyzoo.
include(CMakePackageConfigHelpers)

set(GALAXYZOO_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/galaxyzoo"
    CACHE STRING "Where galaxyzooConfig.cmake is installed, relative to the prefix")

install(TARGETS galaxyzoo EXPORT galaxyzooTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/galaxyzoo DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/include/galaxyzoo/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/galaxyzoo)

install(EXPORT galaxyzooTargets NAMESPACE galaxyzoo:: DESTINATION ${GALAXYZOO_CMAKE_DIR})

configure_package_config_file(cmake/galaxyzooConfig.cmake.in
  "${PROJECT_BINARY_DIR}/galaxyzooConfig.cmake"
  INSTALL_DESTINATION ${GALAXYZOO_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/galaxyzooConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/galaxyzooConfig.cmake"
              "${PROJECT_BINARY_DIR}/galaxyzooConfigVersion.cmake"
        DESTINATION ${GALAXYZOO_CMAKE_DIR})
