# Writes OUTPUT with the current git commit, its commit time (ISO 8601; the
# history orders runs by it) and whether the tree is dirty,
# touching the file only when its contents change.
set(commit "unknown")
set(dirty 0)
set(commit_time "")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE out RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0)
    set(commit "${out}")
    execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%cI HEAD
      WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE commit_time
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
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
#define OMPS_GIT_COMMIT_TIME \"${commit_time}\"
")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
