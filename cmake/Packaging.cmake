# Installing and packaging: `cmake --install build [--prefix DIR]` and `cpack -G DEB`
# (run from the build folder; scripts/package_test.sh builds the .deb and tries it).
#
#   bin/aunet, bin/aunet-viewer          RPATH $ORIGIN/../lib/aunet
#   lib/aunet/                           LibTorch's CPU runtime, copied from the torch wheel
#   share/aunet/models/*.aunet           the shipped models (`-m demo-brain` finds them)
#   share/applications/aunet-viewer.desktop, share/icons/hicolor/scalable/apps/aunet.svg
#   share/doc/aunet/                     README and docs/
#
# The package is CPU-only: the installed executables drop LibTorch's CUDA libraries
# (libtorch_cuda.so and the NVIDIA libraries behind it, about 3 GB) from their
# dependencies, see cmake/InstallTorchRuntime.cmake and docs/building.md.

include(GNUInstallDirs)

option(AUNET_INSTALL_TORCH_RUNTIME
       "Install LibTorch's CPU shared libraries into lib/aunet (needed unless LibTorch is a system package)" ON)

# Shipped models, mirrored into the build tree so build/bin/aunet finds them the same
# way the installed one does (<bin>/../share/aunet/models, see app/commands/ModelLocator.h).
file(GLOB AUNET_SHIPPED_MODELS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/resources/models/*.aunet)
foreach(model IN LISTS AUNET_SHIPPED_MODELS)
  get_filename_component(name ${model} NAME)
  configure_file(${model} ${PROJECT_BINARY_DIR}/share/aunet/models/${name} COPYONLY)
endforeach()
install(FILES ${AUNET_SHIPPED_MODELS} DESTINATION ${CMAKE_INSTALL_DATADIR}/aunet/models)

install(FILES ${PROJECT_SOURCE_DIR}/resources/aunet-viewer.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/aunet.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(AUNET_INSTALLED_PROGRAMS aunet)
if(TARGET aunet-viewer)
  list(APPEND AUNET_INSTALLED_PROGRAMS aunet-viewer)
endif()
foreach(program IN LISTS AUNET_INSTALLED_PROGRAMS)
  set_target_properties(${program} PROPERTIES INSTALL_RPATH "$ORIGIN/../lib/aunet")
endforeach()

if(AUNET_INSTALL_TORCH_RUNTIME)
  find_program(AUNET_PATCHELF patchelf)
  if(NOT AUNET_PATCHELF)
    message(STATUS "aunet: patchelf not found; `cmake --install` will stop (apt-get install patchelf)")
  endif()
  set(_torch_libdir "${TORCH_INSTALL_PREFIX}/lib")
  # Runs after app/'s install(TARGETS) (CMP0082): the executables are in place.
  install(CODE "
    set(AUNET_TORCH_LIBDIR \"${_torch_libdir}\")
    set(AUNET_PATCHELF \"${AUNET_PATCHELF}\")
    set(AUNET_PROGRAMS \"${AUNET_INSTALLED_PROGRAMS}\")
    set(AUNET_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
    set(AUNET_PRIVATE_LIBDIR \"lib/aunet\")")
  install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/InstallTorchRuntime.cmake)
endif()

# --- CPack: a .deb for Debian 12 ---------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME aunet)
set(CPACK_PACKAGE_VENDOR aunet)
set(CPACK_PACKAGE_CONTACT "aunet maintainers <aunet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Attention U-Net segmentation for medical images (CLI and Qt viewer)")
set(CPACK_PACKAGE_DESCRIPTION
    "aunet segments CT and MR images (DICOM, NIfTI, NRRD, MHA) with Attention U-Nets:\n\
the aunet command line (segment, evaluate, convert, train) and the aunet-viewer\n\
desktop viewer. It ships a demonstration brain model (not a clinical tool) and\n\
LibTorch's CPU runtime; this package runs on the CPU.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/aunet/aunet")
# Depends from the ELF files themselves (ITK, GDCM, OpenCV, Qt6, zlib, ...); the
# bundled LibTorch libraries are private (found in lib/aunet, not in a package).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "usr/lib/aunet")
# Loaded at run time, so invisible to dpkg-shlibdeps: Qt's platform plugins (xcb, offscreen).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins")
# The example MRI in `aunet --help` (Colin27 T1, /usr/share/mricron/templates/ch2.nii.gz).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mricron-data")
# xz: about 2/3 the size of gzip for LibTorch; CPACK_DEBIAN_COMPRESSION_TYPE=gzip builds faster.
if(NOT CPACK_DEBIAN_COMPRESSION_TYPE)
  set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
endif()
set(CPACK_THREADS 0)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/;/\\\\.venv/")
include(CPack)

# The package test builds the .deb and runs it from a `dpkg -x` tree (a few minutes,
# ~0.5 GB of LibTorch to compress): outside the default run, only with
#   ctest --test-dir build -C Package -L package
if(AUNET_BUILD_TESTS)
  add_test(NAME package.deb CONFIGURATIONS Package
           COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/package_test.sh --gzip)
  set_tests_properties(package.deb PROPERTIES LABELS "slow;package" TIMEOUT 1800 RUN_SERIAL TRUE
                       ENVIRONMENT "AUNET_BUILD_DIR=${PROJECT_BINARY_DIR}")
endif()
