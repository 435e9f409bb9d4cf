# bench_layout: the graph view's layered layout (ui/graph/layeredlayout.h).
# Included from tests/bench/CMakeLists.txt; needs the GUI library.
if(TARGET vouch_ui)
    add_executable(bench_layout ${CMAKE_CURRENT_LIST_DIR}/bench_layout.cpp)
    target_link_libraries(bench_layout PRIVATE vouch_ui)
    target_compile_definitions(bench_layout PRIVATE VOUCH_BUILD_TYPE="${CMAKE_BUILD_TYPE}")
    vouch_target_warnings(bench_layout)
    if(TARGET bench)
        add_dependencies(bench bench_layout)
    endif()
endif()
