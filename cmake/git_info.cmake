# Writes OUTPUT with the current git commit and whether the tree is dirty,
# touching the file only when its contents change.
set(commit "unknown")
set(dirty 0)
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE out RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0)
    set(commit "${out}")
    execute_process(COMMAND ${GIT_EXECUTABLE} status --porcelain --untracked-files=no
      WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE status ERROR_QUIET)
    if(NOT status STREQUAL "")
      set(dirty 1)
    endif()
  endif()
endif()
set(text "/* Generated at build time by cmake/git_info.cmake; do not edit. */
#define OMPS_GIT_COMMIT \"${commit}\"
#define OMPS_GIT_DIRTY ${dirty}
")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
