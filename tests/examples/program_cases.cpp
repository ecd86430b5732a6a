// Runs many command lines of the example programs in one process, so that LibTorch's
// start (about half a second of static initialisation per program start) is paid once
// rather than once a command line (tests/examples/flag_ranges.sh runs ~1200 of them).
//   program_cases [JOBS] < CASES
// CASES: one case a line, TAB-separated: DIR PROGRAM ARG... Each case runs in a child
// forked from this process: in DIR, stdin from /dev/null, stdout and stderr to DIR/out.log,
// killed by SIGALRM after 120 s, its exit status PROGRAM_main(argc, argv)'s
// (support/programs.hpp). Up to JOBS children (default: the number of cores) run at once.
// Prints one line per case, in the input's order: the exit status, 128 + the signal's
// number if killed. Exit status 0 once every case ran (whatever their statuses), 2 for a
// usage error (a malformed line, an unknown program, a bad JOBS), 1 if a child could not start.
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "programs.hpp"

namespace {

namespace gz = galaxyzoo::examples;

constexpr unsigned kCaseTimeoutSeconds = 120;

struct Case {
  std::string dir;
  const gz::ProgramEntry* program = nullptr;
  std::vector<std::string> args;  ///< argv, the program's name first
};

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "program_cases: " << message << "\n"
            << "usage: program_cases [JOBS] < CASES (lines DIR<TAB>PROGRAM<TAB>ARG...)\n";
  std::exit(2);
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

const gz::ProgramEntry* find_program(const std::string& name) {
  for (const auto& program : gz::kPrograms) {
    if (name == program.name) return &program;
  }
  return nullptr;
}

std::string program_names() {
  std::string names;
  for (const auto& program : gz::kPrograms)
    names += std::string(names.empty() ? "" : ", ") + program.name;
  return names;
}

// Reads every case before running any, so that a bad line stops the run at once.
std::vector<Case> read_cases(std::istream& in) {
  std::vector<Case> cases;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string where = "stdin line " + std::to_string(number) + ": ";
    const std::vector<std::string> fields = split_tabs(line);
    if (fields.size() < 2 || fields[0].empty() || fields[1].empty()) {
      usage_error(where + "expected DIR<TAB>PROGRAM[<TAB>ARG...], got '" + line + "'");
    }
    Case c;
    c.dir = fields[0];
    c.program = find_program(fields[1]);
    if (c.program == nullptr) {
      usage_error(where + "unknown program '" + fields[1] + "', expected one of " +
                  program_names());
    }
    c.args.assign(fields.begin() + 1, fields.end());
    cases.push_back(std::move(c));
  }
  return cases;
}

unsigned parse_jobs(int argc, char** argv) {
  if (argc > 2) usage_error("expected at most one argument, JOBS");
  if (argc < 2) return std::max(1U, std::thread::hardware_concurrency());
  const std::string text = argv[1];
  std::size_t used = 0;
  unsigned long jobs = 0;
  try {
    jobs = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text[0] == '-' || jobs < 1 || jobs > 1024) {
    usage_error("JOBS: got '" + text + "', expected a whole number in [1, 1024]");
  }
  return static_cast<unsigned>(jobs);
}

// In the child: never returns.
[[noreturn]] void run_child(const Case& c) {
  const std::string log = c.dir + "/out.log";
  if (chdir(c.dir.c_str()) != 0) {
    std::fprintf(stderr, "program_cases: cannot enter %s: %s\n", c.dir.c_str(),
                 std::strerror(errno));
    _exit(125);
  }
  const int null_fd = open("/dev/null", O_RDONLY);
  const int log_fd = open("out.log", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (null_fd < 0 || log_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
      dup2(log_fd, 2) < 0) {
    std::fprintf(stderr, "program_cases: cannot open %s: %s\n", log.c_str(), std::strerror(errno));
    _exit(125);
  }
  close(null_fd);
  close(log_fd);
  alarm(kCaseTimeoutSeconds);
  std::vector<std::string> args = c.args;
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int status = c.program->main(static_cast<int>(args.size()), argv.data());
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(status);
}

int exit_status(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned jobs = parse_jobs(argc, argv);
  const std::vector<Case> cases = read_cases(std::cin);
  std::vector<std::optional<int>> statuses(cases.size());
  std::map<pid_t, std::size_t> running;  // child -> its case
  std::size_t next = 0;                  // the next case to start
  std::size_t printed = 0;               // the cases printed so far, in order
  while (printed < cases.size()) {
    while (next < cases.size() && running.size() < jobs) {
      std::cout.flush();  // nothing buffered may be copied into the child
      const pid_t pid = fork();
      if (pid < 0) {
        std::cerr << "program_cases: fork: " << std::strerror(errno) << "\n";
        return 1;
      }
      if (pid == 0) run_child(cases[next]);
      running.emplace(pid, next++);
    }
    int wait_status = 0;
    const pid_t pid = waitpid(-1, &wait_status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      std::cerr << "program_cases: waitpid: " << std::strerror(errno) << "\n";
      return 1;
    }
    const auto child = running.find(pid);
    if (child == running.end()) continue;
    statuses[child->second] = exit_status(wait_status);
    running.erase(child);
    for (; printed < cases.size() && statuses[printed]; ++printed) {
      std::cout << *statuses[printed] << "\n";
    }
    std::cout.flush();
  }
  return 0;
}
