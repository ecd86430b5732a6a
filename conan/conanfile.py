import os
import re
import shutil

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load

required_conan_version = ">=2.0.5"


class GalaxyzooConan(ConanFile):
    name = "galaxyzoo"
    # No version here: set_version() reads it from the top-level CMakeLists.txt.
    description = "Galaxy Zoo morphology classification workflow as a C++ library"
    topics = ("astronomy", "galaxy-zoo", "libtorch", "machine-learning")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}

    # This recipe lives in <repo>/conan/; the project root is its parent.
    def _project_root(self):
        return os.path.normpath(os.path.join(self.recipe_folder, ".."))

    def set_version(self):
        # Only called in the user folder (export/create); the cache keeps the exported version.
        text = load(self, os.path.join(self._project_root(), "CMakeLists.txt"))
        match = re.search(r"project\s*\(\s*galaxyzoo\s+VERSION\s+([0-9]+(?:\.[0-9]+){0,3})", text)
        if not match:
            raise ConanException("No 'project(galaxyzoo VERSION x.y.z ...)' in CMakeLists.txt")
        self.version = match.group(1)

    def export_sources(self):
        # exports_sources cannot reach '..', so copy the same set by hand: the top-level
        # CMakeLists.txt, cmake/, include/ and src/ -- no tests/examples/bench/docs (the
        # top-level CMakeLists only enters those behind options, set OFF in generate()).
        # Each folder is copied on its own so the walk never enters build*/ or .venv/.
        root = self._project_root()
        dst = self.export_sources_folder
        shutil.copy2(os.path.join(root, "CMakeLists.txt"), os.path.join(dst, "CMakeLists.txt"))
        for folder in ("cmake", "include", "src"):
            copy(self, "*", src=os.path.join(root, folder), dst=os.path.join(dst, folder))

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        # Local flow (conan install/build conan/): sources are in the parent folder and the
        # build goes to <repo>/build-conan/<build_type>. In the cache, 'root' is ignored.
        self.folders.root = ".."
        cmake_layout(self, build_folder="build-conan")

    def requirements(self):
        # Version ranges with the same minimums as cmake/GalaxyzooDependencies.cmake, so
        # that a profile's [platform_requires] (e.g. conan/profiles/debian12) satisfies
        # them with the system-installed packages. Platform requirements produce no Conan
        # package and no CMakeDeps files: the build uses the system's own CMake configs.
        # Torch and Eigen appear in galaxyzoo's public headers.
        self.requires("libtorch/[>=1.13 <3]", transitive_headers=True)
        self.requires("eigen/[>=3.3 <4]", transitive_headers=True)
        # libvips, cfitsio, wcslib, libjpeg-turbo, SQLite, zlib and JSON are used inside src/ only.
        self.requires("libvips/[>=8.10 <9]")
        self.requires("cfitsio/[>=3.4 <5]")
        self.requires("wcslib/[>=7 <9]")
        self.requires("libjpeg-turbo/[>=2.0 <4]")
        self.requires("sqlite3/[>=3.22 <4]")
        self.requires("zlib/[>=1.2.11 <2]")
        self.requires("nlohmann_json/[>=3.9 <4]")

    def validate(self):
        check_min_cppstd(self, 17)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["GALAXYZOO_BUILD_TESTS"] = False
        tc.cache_variables["GALAXYZOO_BUILD_EXAMPLES"] = False
        tc.cache_variables["GALAXYZOO_BUILD_BENCH"] = False
        tc.cache_variables["GALAXYZOO_BUILD_DOCS"] = False
        tc.cache_variables["GALAXYZOO_INSTALL"] = True
        tc.cache_variables["GALAXYZOO_WERROR"] = False
        tc.generate()
        # Generates files only for real Conan packages; with the debian12 profile every
        # dependency is a platform requirement, so find_package(Torch/Eigen3/nlohmann_json)
        # and pkg-config's vips-cpp resolve to Debian's files. Kept so that a profile
        # that provides real packages for some dependencies also works.
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        cmake = CMake(self)
        cmake.install()

    def package_info(self):
        # Consumers use the galaxyzooConfig.cmake installed by the project, not a
        # CMakeDeps-generated one: the installed config re-finds Torch, Eigen3 and
        # vips-cpp (pkg-config) with the same calls as the build, which is the only way
        # those platform dependencies reach a consumer (Conan knows nothing about their
        # include dirs, libs or Torch's compile flags, so a generated
        # galaxyzoo-config.cmake would link galaxyzoo alone and fail). cmake_find_mode
        # "none" stops CMakeDeps from generating a competing config; builddirs puts the
        # installed config's folder on CMAKE_PREFIX_PATH via CMakeToolchain.
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.set_property("cmake_file_name", "galaxyzoo")
        self.cpp_info.set_property("cmake_target_name", "galaxyzoo::galaxyzoo")
        self.cpp_info.builddirs = [os.path.join("lib", "cmake", "galaxyzoo")]
        self.cpp_info.libs = ["galaxyzoo"]
