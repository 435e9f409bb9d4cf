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
    add_test(NAME ${name} COMMAND ${name})
    # Every asynchronous test has its own timeout; this is the outer guard.
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
