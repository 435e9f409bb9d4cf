# Tests that judge time: schedules, deadlines, freshness, forecasts,
# history, the demo. Labelled `time`: packaging/setup.sh test runs them again
# under faketime at the awkward instants listed there (a Thursday just after
# midnight, Monday before and after the 06:00 run in London, the night the
# clocks go back, the turn of the ISO year), so that none of them depends on
# the day it runs. They pin their own clock (--now, Clock::pinned); the wall
# clock under faketime must not change what they assert.
set(VOUCH_TIME_TESTS
    tst_alertdelivery tst_cli tst_crashsafety tst_dbt tst_demorun tst_publication tst_serve
    tst_demomonthend tst_cron tst_weeklytime tst_calendar tst_reportcalendar tst_demowarehouse tst_dbtobserve
    tst_scheduler tst_statestore
    tst_assessment tst_auditlog tst_forecast tst_verdict
    tst_alertspanel tst_historypage tst_mainwindow tst_reportpanel tst_reportswitcher)

function(vouch_add_qtest src)
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARGN})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${name} PRIVATE
        VOUCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        VOUCH_BINARY="$<TARGET_FILE:vouch>")
    vouch_target_warnings(${name})
    # Every test process gets a fresh HOME and XDG directories of its own
    # (tests/support/isolated-home.sh): a developer's settings, keychain and
    # demo folder are never touched and never leak in.
    set(home ${PROJECT_SOURCE_DIR}/tests/support/isolated-home.sh)
    if(name MATCHES "keyring")
        # Against a real Secret Service: a private D-Bus session and a fresh
        # GNOME Keyring (tests/support/run-with-keyring.sh); 77 = skipped.
        add_test(NAME ${name} COMMAND ${home} ${PROJECT_SOURCE_DIR}/tests/support/run-with-keyring.sh
                                      $<TARGET_FILE:${name}>)
        set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
    else()
        add_test(NAME ${name} COMMAND ${home} $<TARGET_FILE:${name}>)
    endif()
    # Every asynchronous test has its own timeout; this is the outer guard.
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
    if(name IN_LIST VOUCH_TIME_TESTS)
        set_tests_properties(${name} PROPERTIES LABELS time)
    endif()
endfunction()
