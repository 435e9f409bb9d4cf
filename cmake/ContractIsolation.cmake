# contract/ is the engine's bottom layer: the language, its parsers and the
# loader. It may include only itself and util/; everything that builds on a
# contract (interop's dbt include expansion, run/, store/, trust/ ...) sits
# above it and is wired in from there (see engine/interop/loadcontract.h).
# Fail the configure step if a file under engine/contract/ includes another
# part of the engine.
file(GLOB_RECURSE _vouch_contract_files CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/engine/contract/*.cpp ${PROJECT_SOURCE_DIR}/engine/contract/*.h)
foreach(src IN LISTS _vouch_contract_files)
    file(STRINGS "${src}" _vouch_upward REGEX "#[ \t]*include[ \t]*[<\"]engine/")
    foreach(line IN LISTS _vouch_upward)
        if(NOT line MATCHES "[<\"]engine/(contract|util)/")
            message(FATAL_ERROR "${src}: engine/contract/ may include only engine/contract/ and "
                                "engine/util/ (the loader sits below interop/; wire expansions "
                                "in through ContractLoader::Options): ${line}")
        endif()
    endforeach()
endforeach()
