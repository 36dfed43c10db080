# Golden test: runs `regimen check CASE.yaml` in the case's folder and compares what it prints
# on stderr (the rendered diagnostics) and its exit code with CASE.expected.
# -DREGIMEN=path -DCASE=name -DDIR=folder. With REGIMEN_UPDATE_GOLDEN=1 in the environment the
# expected file is rewritten instead (then review the diff before committing).
execute_process(COMMAND ${REGIMEN} check ${CASE}.yaml WORKING_DIRECTORY ${DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(actual "exit ${rc}\n${err}")
set(expected_file ${DIR}/${CASE}.expected)
if(DEFINED ENV{REGIMEN_UPDATE_GOLDEN})
  file(WRITE ${expected_file} "${actual}")
  return()
endif()
if(NOT EXISTS ${expected_file})
  message(FATAL_ERROR "no ${CASE}.expected; run with REGIMEN_UPDATE_GOLDEN=1 to create it. Output was:\n${actual}")
endif()
file(READ ${expected_file} expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "output differs from ${CASE}.expected\n--- expected ---\n${expected}\n--- actual ---\n${actual}")
endif()
