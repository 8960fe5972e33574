# Each layer includes only the layers below it (docs/architecture.md):
#   core <- imaging <- io;  core <- model;  pipeline <- io, imaging, model;
#   surface <- core, imaging, io (VTK stays inside surface/*.cpp);
#   gui <- core, imaging, io, model/api, surface (never model/ itself: no Torch in the viewer's widgets);
#   app on top. Run as: cmake -DROOT=<source dir> -P check_layers.cmake
set(allowed_core "core|aunet")
set(allowed_imaging "core|imaging")
set(allowed_io "core|imaging|io|aunet")
set(allowed_model "core|model|aunet")
set(allowed_surface "core|imaging|io|surface|aunet")
set(allowed_pipeline "core|imaging|io|model|pipeline|aunet")
set(allowed_gui "core|imaging|io|model/api|surface|gui|aunet")
set(violations "")
foreach(layer core imaging io model surface pipeline gui)
  file(GLOB_RECURSE sources "${ROOT}/${layer}/*.h" "${ROOT}/${layer}/*.cpp")
  foreach(source ${sources})
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
      if(NOT header MATCHES "/")
        continue()  # same folder
      endif()
      if(NOT header MATCHES "^(${allowed_${layer}})/")
        file(RELATIVE_PATH rel "${ROOT}" "${source}")
        string(APPEND violations "  ${rel} includes \"${header}\" (${layer}/ may include ${allowed_${layer}})\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "layering violations:\n${violations}")
endif()
message(STATUS "layers: every include points down")
