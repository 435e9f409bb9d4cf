# The throwaway PostgreSQL server of the team-mode tests, as a ctest fixture:
# `ctest` alone starts it before and stops it after every test that needs it
# (tests/engine/**/tst_pg*.cpp, tests/ui/**/tst_pg*.cpp and tests/app/**/tst_team*.cpp). They read
# its URL from VOUCH_TEST_PG_FILE and skip (77) when the server binaries are missing.
set(VOUCH_PG_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/pg)
add_test(NAME pg_cluster_start
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/support/pg-fixture.sh start ${VOUCH_PG_FIXTURE_DIR})
set_tests_properties(pg_cluster_start PROPERTIES FIXTURES_SETUP vouch_pg TIMEOUT 300)
add_test(NAME pg_cluster_stop
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/support/pg-fixture.sh stop ${VOUCH_PG_FIXTURE_DIR})
set_tests_properties(pg_cluster_stop PROPERTIES FIXTURES_CLEANUP vouch_pg TIMEOUT 120)

file(GLOB_RECURSE VOUCH_PG_TESTS CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/engine/tst_pg*.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/app/tst_team*.cpp)
if(VOUCH_BUILD_GUI)
    file(GLOB_RECURSE VOUCH_PG_UI_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ui/tst_pg*.cpp)
    list(APPEND VOUCH_PG_TESTS ${VOUCH_PG_UI_TESTS})
    foreach(src IN LISTS VOUCH_PG_UI_TESTS)
        get_filename_component(name ${src} NAME_WE)
        target_link_libraries(${name} PRIVATE Qt6::Sql) # tests/support/pgtest.h
    endforeach()
endif()
foreach(src IN LISTS VOUCH_PG_TESTS)
    get_filename_component(name ${src} NAME_WE)
    set_tests_properties(${name} PROPERTIES
        FIXTURES_REQUIRED vouch_pg
        SKIP_RETURN_CODE 77
        ENVIRONMENT "VOUCH_TEST_PG_FILE=${VOUCH_PG_FIXTURE_DIR}/url;QT_QPA_PLATFORM=offscreen")
endforeach()
