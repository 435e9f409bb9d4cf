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

# bench_graphview: repaint, panning and GUI stalls of the graph view at 10,000 nodes.
if(TARGET vouch_ui)
    add_executable(bench_graphview ${CMAKE_CURRENT_LIST_DIR}/bench_graphview.cpp)
    target_link_libraries(bench_graphview PRIVATE vouch_ui Qt6::Test)
    target_compile_definitions(bench_graphview PRIVATE VOUCH_BUILD_TYPE="${CMAKE_BUILD_TYPE}")
    vouch_target_warnings(bench_graphview)
    if(TARGET bench)
        add_dependencies(bench bench_graphview)
    endif()
endif()

# bench_startup: the app ready on a store with a year of weekly runs of a 5,000-node path.
if(TARGET vouch_ui)
    add_executable(bench_startup ${CMAKE_CURRENT_LIST_DIR}/bench_startup.cpp)
    target_link_libraries(bench_startup PRIVATE vouch_ui Qt6::Test)
    target_compile_definitions(bench_startup PRIVATE VOUCH_BUILD_TYPE="${CMAKE_BUILD_TYPE}")
    vouch_target_warnings(bench_startup)
    if(TARGET bench)
        add_dependencies(bench bench_startup)
    endif()
endif()
