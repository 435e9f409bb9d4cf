# The layers above the engine never reach the store's SQL, and the store never
# reaches up into run/ (DESIGN.md, 'Rules of the house'):
#   - vouch_ui and vouch_cli (and the vouch executable) do not link Qt6::Sql;
#     the engine links it privately and answers with value structs;
#   - no file under ui/ or app/ includes a QtSql header;
#   - no file under engine/store/ includes engine/run/ (the node states and
#     Transition live in engine/graph/nodestate.h, below the store).
# Included from the top-level CMakeLists.txt after ui/ and app/; the source
# checks also run as a script (cmake -DVOUCH_ROOT=DIR -P LayerIsolation.cmake),
# which is how tests/cli/check-layer-isolation.sh proves they bite.

function(vouch_check_layer_sources root)
    set(problems "")
    foreach(layer ui app)
        file(GLOB_RECURSE files "${root}/${layer}/*.cpp" "${root}/${layer}/*.h")
        foreach(file IN LISTS files)
            file(STRINGS "${file}" bad REGEX "#[ \t]*include[ \t]*[<\"](QtSql|QSql)")
            if(bad)
                list(APPEND problems "${file}: ${layer}/ must not include QtSql (${bad}); ask the engine's store for a value struct instead")
            endif()
        endforeach()
    endforeach()
    file(GLOB_RECURSE files "${root}/engine/store/*.cpp" "${root}/engine/store/*.h")
    foreach(file IN LISTS files)
        file(STRINGS "${file}" bad REGEX "#[ \t]*include[ \t]*[<\"]engine/run/")
        if(bad)
            list(APPEND problems "${file}: engine/store/ must not include engine/run/ (${bad}); the store sits below run/")
        endif()
    endforeach()
    if(problems)
        list(JOIN problems "\n" text)
        message(FATAL_ERROR "layer isolation:\n${text}")
    endif()
endfunction()

# Every target `target` links, directly or through other targets, except
# through vouch_engine, whose QtSql is private to it.
function(_vouch_links_above_engine target out_var)
    set(seen "")
    set(queue ${target})
    while(queue)
        list(POP_FRONT queue current)
        string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" current "${current}")
        if(current IN_LIST seen OR current STREQUAL "vouch_engine" OR current STREQUAL "vouch::engine")
            continue()
        endif()
        list(APPEND seen ${current})
        if(NOT TARGET ${current})
            continue()
        endif()
        foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
            get_target_property(libs ${current} ${prop})
            if(libs)
                list(APPEND queue ${libs})
            endif()
        endforeach()
    endwhile()
    set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
    vouch_check_layer_sources("${VOUCH_ROOT}")
    return()
endif()

foreach(target vouch_ui vouch_cli vouch)
    if(TARGET ${target})
        _vouch_links_above_engine(${target} links)
        foreach(lib IN LISTS links)
            if(lib MATCHES "^Qt6?::Sql$")
                message(FATAL_ERROR "${target} must not link ${lib}: SQL lives in the engine "
                                    "(engine/store); the ui and the command line ask it for "
                                    "value structs (see DESIGN.md, 'Rules of the house').")
            endif()
        endforeach()
    endif()
endforeach()
vouch_check_layer_sources("${PROJECT_SOURCE_DIR}")
