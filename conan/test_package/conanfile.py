import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout


class GalaxyzooTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    test_type = "explicit"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        # CMakeToolchain puts the package's lib/cmake/galaxyzoo (its builddirs) on
        # CMAKE_PREFIX_PATH; galaxyzoo sets cmake_find_mode "none", so CMakeDeps writes no
        # competing config and find_package(galaxyzoo) loads the installed one.
        CMakeToolchain(self).generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            exe = os.path.join(self.cpp.build.bindir, "find-package-test", "find_package_test")
            self.run(exe, env="conanrun")
