# Finds galaxyzoo's dependencies. The package config (galaxyzooConfig.cmake.in)
# re-finds the public ones for consumers with the same calls.

# LibTorch: training and tensors. Debian's libtorch-dev (1.13, CPU) or the CUDA-enabled
# LibTorch 2.x bundled with PyPI's torch wheel (pass -DCMAKE_PREFIX_PATH=$(python3 -c
# 'import torch;print(torch.utils.cmake_prefix_path)')).
find_package(Torch REQUIRED)

# Eigen: the vote-fraction table and metrics.
find_package(Eigen3 3.3 REQUIRED NO_MODULE)

# libvips' C++ binding: image decoding, cropping, augmentation. It ships a pkg-config
# file, not a CMake package.
find_package(PkgConfig REQUIRED)
pkg_check_modules(VIPS REQUIRED IMPORTED_TARGET vips-cpp>=8.10)

# cfitsio (Debian: libcfitsio-dev): FITS images as astronomers store them, any HDU and
# tile-compressed .fits.fz files (images/fits_image.cpp). Private; its pkg-config file
# provides PkgConfig::CFITSIO.
pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio>=3.4)

# wcslib: the world coordinates (WCS) of survey images, for classify's sky cutouts
# (src/images/wcs.cpp only). Debian: wcslib-dev, with a pkg-config file.
pkg_check_modules(WCSLIB REQUIRED IMPORTED_TARGET wcslib>=7)

# libjpeg-turbo's libjpeg API (Debian: libjpeg62-turbo-dev): the JPEG fast path of
# read_image/encode_jpeg, where libvips' per-image overhead dominates on small images.
# CMake's FindJPEG module provides JPEG::JPEG.
find_package(JPEG REQUIRED)

# SQLite: the hyper-parameter study storage (sqlite_storage.cpp). CMake's FindSQLite3
# module provides SQLite::SQLite3 (Debian: libsqlite3-dev).
find_package(SQLite3 REQUIRED)

# PostgreSQL's libpq: the optional study storage shared by several machines
# (postgres_storage.cpp). CMake's FindPostgreSQL module provides PostgreSQL::PostgreSQL
# (Debian: libpq-dev). On by default when libpq is found; without it the library still
# builds and open_storage() refuses postgresql:// URLs.
find_package(PostgreSQL)
option(GALAXYZOO_WITH_POSTGRESQL "Build the PostgreSQL study storage (needs libpq)" ${PostgreSQL_FOUND})
if(GALAXYZOO_WITH_POSTGRESQL AND NOT PostgreSQL_FOUND)
  message(FATAL_ERROR "GALAXYZOO_WITH_POSTGRESQL is ON but libpq was not found (Debian: libpq-dev)")
endif()

# zlib's CRC-32: the checksum of sealed files (checkpoints) and zip records (model files). FindZLIB
# module provides ZLIB::ZLIB (Debian: zlib1g-dev; libvips needs zlib anyway).
find_package(ZLIB REQUIRED)

# Our own worker threads (rendering, preprocessing, data loading).
find_package(Threads REQUIRED)

# Private, header-only: JSON for manifests and summaries.
find_package(nlohmann_json 3.9 REQUIRED)

if(GALAXYZOO_BUILD_EXAMPLES OR GALAXYZOO_BUILD_BENCH OR GALAXYZOO_FUZZ)
  # Command-line parsing for the example programs (and their fuzz target).
  find_package(CLI11 REQUIRED)
endif()

if(GALAXYZOO_BUILD_TESTS)
  find_package(Boost 1.65 REQUIRED COMPONENTS unit_test_framework)
endif()
