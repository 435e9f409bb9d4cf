function(vouch_add_qtest src)
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARGN})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${name} PRIVATE
        VOUCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        VOUCH_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
        VOUCH_BINARY="$<TARGET_FILE:vouch>")
    vouch_target_warnings(${name})
    if(name MATCHES "keyring")
        # Against a real Secret Service: a private D-Bus session and a fresh
        # GNOME Keyring (tests/keyring/run-with-keyring.sh); 77 = skipped.
        add_test(NAME ${name} COMMAND ${PROJECT_SOURCE_DIR}/tests/keyring/run-with-keyring.sh
                                      $<TARGET_FILE:${name}>)
        set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
    else()
        add_test(NAME ${name} COMMAND ${name})
    endif()
    # Every asynchronous test has its own timeout; this is the outer guard.
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
