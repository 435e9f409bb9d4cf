# The throwaway MariaDB server of the MySQL/MariaDB warehouse tests, as a
# ctest fixture (tests/support/mariadb-fixture.sh): `ctest` starts it before
# and stops it after every test that needs it (tests/**/tst_mysql*.cpp). They
# read "host port socket" from VOUCH_TEST_MARIADB_FILE and skip (77) when the
# server binaries are missing. The system's own MariaDB service is never used.
set(VOUCH_MARIADB_FIXTURE_DIR ${CMAKE_CURRENT_BINARY_DIR}/mariadb)
add_test(NAME mariadb_server_start
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/support/mariadb-fixture.sh start
            ${VOUCH_MARIADB_FIXTURE_DIR})
set_tests_properties(mariadb_server_start PROPERTIES FIXTURES_SETUP vouch_mariadb TIMEOUT 300)
add_test(NAME mariadb_server_stop
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/support/mariadb-fixture.sh stop
            ${VOUCH_MARIADB_FIXTURE_DIR})
set_tests_properties(mariadb_server_stop PROPERTIES FIXTURES_CLEANUP vouch_mariadb TIMEOUT 120)

file(GLOB_RECURSE VOUCH_MARIADB_TESTS CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/engine/tst_mysql*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/app/tst_mysql*.cpp)
foreach(src IN LISTS VOUCH_MARIADB_TESTS)
    get_filename_component(name ${src} NAME_WE)
    set_tests_properties(${name} PROPERTIES
        FIXTURES_REQUIRED vouch_mariadb
        SKIP_RETURN_CODE 77
        ENVIRONMENT "VOUCH_TEST_MARIADB_FILE=${VOUCH_MARIADB_FIXTURE_DIR}/server")
endforeach()
