#pragma once
/// @file
/// Every example program as a function, main() without the name: each program's
/// examples/NAME.cpp defines NAME_main() and no main(). examples/CMakeLists.txt compiles them
/// all once, into the static library galaxyzoo_example_programs, and gives each program an
/// executable whose generated main() (support/program_main.cpp.in) calls its NAME_main().
/// The command-line fuzz target (fuzz/fuzz_command_line.cpp) calls them in Program's
/// parse-only mode; the tests' tests/examples/program_cases.cpp runs many command lines in
/// one process, each in a child forked from it.

namespace galaxyzoo::examples {

/// examples/augment_data.cpp
int augment_data_main(int argc, char** argv);
/// examples/classify.cpp
int classify_main(int argc, char** argv);
/// examples/create_dataset.cpp
int create_dataset_main(int argc, char** argv);
/// examples/eval_model.cpp
int eval_model_main(int argc, char** argv);
/// examples/export_model.cpp
int export_model_main(int argc, char** argv);
/// examples/make_test_dataset.cpp
int make_test_dataset_main(int argc, char** argv);
/// examples/preprocess_resize.cpp
int preprocess_resize_main(int argc, char** argv);
/// examples/run_workflow.cpp
int run_workflow_main(int argc, char** argv);
/// examples/train_model.cpp
int train_model_main(int argc, char** argv);
/// examples/vgg16_hpo.cpp
int vgg16_hpo_main(int argc, char** argv);

/// A program's name and entry point.
struct ProgramEntry {
  const char* name;                    ///< the program's name, as in its --help
  int (*main)(int argc, char** argv);  ///< its main()
};

/// Every example program, in the order of examples/CMakeLists.txt's list.
inline constexpr ProgramEntry kPrograms[] = {
    {"augment_data", augment_data_main},           {"classify", classify_main},
    {"create_dataset", create_dataset_main},       {"eval_model", eval_model_main},
    {"export_model", export_model_main},           {"make_test_dataset", make_test_dataset_main},
    {"preprocess_resize", preprocess_resize_main}, {"train_model", train_model_main},
    {"run_workflow", run_workflow_main},           {"vgg16_hpo", vgg16_hpo_main},
};

}  // namespace galaxyzoo::examples
