# ccache with the settings a precompiled header needs (pch_defines, time_macros).
if(AUNET_USE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(AUNET_CCACHE ccache)
  if(AUNET_CCACHE)
    set(_launcher ${CMAKE_COMMAND} -E env
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        "CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}"
        ${AUNET_CCACHE})
    set(CMAKE_C_COMPILER_LAUNCHER ${_launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${_launcher})
    message(STATUS "aunet: compiling through ccache (${AUNET_CCACHE})")
  endif()
endif()
