#pragma once
// Checks that every StudyStorage backend must pass, shared by test_sqlite_storage,
// test_postgres_storage and test_hpo_search: the same sequence of calls against
// whichever storage the test opens. Include after <boost/test/unit_test.hpp>.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/study_storage.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace galaxyzoo::testing {

inline SearchSpace study_space() {
  SearchSpace s;
  s.add_int("layer", 0, 100);
  s.add_float("lr", 1e-6, 1e-2, /*log=*/true);
  s.add_categorical("name", {std::string("a"), std::string("b")});
  return s;
}

// Trial n gets layer n, lr 1e-4 and name "a" or "b"; records how many trials it saw.
class CountingSampler : public Sampler {
 public:
  Assignment sample(const SearchSpace&, const std::vector<Trial>& trials,
                    std::int64_t number) const override {
    seen = trials.size();
    return {{"layer", number}, {"lr", 1e-4}, {"name", std::string(number % 2 ? "b" : "a")}};
  }
  std::string name() const override { return "counting"; }
  mutable std::size_t seen = 0;
};

inline StudyConfig study_config(const std::string& name = "s1") {
  return {name, study_space(), "counting"};
}

inline ClaimOptions claim_options(std::int64_t total, const std::string& worker = "w1",
                                  double grace = 3600) {
  ClaimOptions o;
  o.total_trials = total;
  o.worker = worker;
  o.grace_seconds = grace;
  return o;
}

template <typename F>
void check_error(F f, const std::string& fragment) {
  try {
    f();
    BOOST_ERROR("expected an error containing '" << fragment << "'");
  } catch (const Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos, e.what());
  }
}

// Appends one line to @p file with O_APPEND, so that processes can share it.
inline void append_line(const std::filesystem::path& file, const std::string& line) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  BOOST_REQUIRE(fd >= 0);
  const std::string text = line + "\n";
  BOOST_REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
}

inline std::vector<std::string> lines(const std::filesystem::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Runs @p body in a child process; returns its pid. The child never returns into Boost.Test.
template <typename F>
pid_t spawn(F body) {
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    int status = 0;
    try {
      body();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      status = 1;
    }
    std::fflush(nullptr);
    _exit(status);
  }
  return pid;
}

inline int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// Claims up to the total, reports, finishes, and reads it all back through a second
// storage from @p open.
inline void check_claims_up_to_the_total(
    const std::function<std::unique_ptr<StudyStorage>()>& open) {
  CountingSampler sampler;
  {
    auto storage = open();
    storage->open_study(study_config());
    for (std::int64_t n = 0; n < 3; ++n) {
      const auto c = storage->claim_trial(claim_options(3), sampler);
      BOOST_REQUIRE(c.has_value());
      BOOST_TEST(c->trial.number == n);
      BOOST_TEST(!c->resumed);
      BOOST_TEST(std::get<std::int64_t>(c->trial.params.at("layer")) == n);
      BOOST_TEST(sampler.seen == static_cast<std::size_t>(n));
    }
    // Three running trials: nothing left to claim.
    BOOST_TEST(!storage->claim_trial(claim_options(3), sampler).has_value());
    BOOST_TEST(storage->report(0, "w1", 0, 0.9));
    BOOST_TEST(storage->report(0, "w1", 1, 0.7));
    BOOST_TEST(storage->report(0, "w1", 1, 0.6));  // replaces step 1
    BOOST_TEST(storage->finish_trial(0, "w1", TrialState::complete, 0.6));
    BOOST_TEST(storage->finish_trial(1, "w1", TrialState::pruned, 0.8));
    BOOST_TEST(storage->finish_trial(2, "w1", TrialState::failed, std::nullopt, "boom"));
    BOOST_TEST(!storage->finish_trial(2, "w1", TrialState::complete, 1.0));  // already finished
    BOOST_CHECK_THROW(storage->finish_trial(2, "w1", TrialState::running, 1.0), Error);
    // The failed trial does not count: one more.
    const auto c = storage->claim_trial(claim_options(3), sampler);
    BOOST_REQUIRE(c.has_value());
    BOOST_TEST(c->trial.number == 3);
    BOOST_TEST(storage->finish_trial(3, "w1", TrialState::complete, 0.5));
    BOOST_TEST(!storage->claim_trial(claim_options(3), sampler).has_value());
    BOOST_TEST(storage->claim_trial(claim_options(4), sampler).has_value());
  }
  // Everything is stored, typed as it was.
  auto storage = open();
  storage->open_study(study_config());
  BOOST_TEST(storage->study().name == "s1");
  BOOST_TEST(storage->study().sampler == "counting");
  BOOST_TEST((storage->study().space == study_space()));
  const auto records = storage->records();
  BOOST_REQUIRE_EQUAL(records.size(), 5u);
  BOOST_TEST((records[0].trial.state == TrialState::complete));
  BOOST_TEST(*records[0].trial.value == 0.6);
  BOOST_TEST(records[0].trial.intermediate.size() == 2u);
  BOOST_TEST(records[0].trial.intermediate.at(1) == 0.6);
  BOOST_TEST(std::get<double>(records[0].trial.params.at("lr")) == 1e-4);
  BOOST_TEST(std::get<std::string>(records[1].trial.params.at("name")) == "b");
  BOOST_TEST((records[1].trial.state == TrialState::pruned));
  BOOST_TEST((records[2].trial.state == TrialState::failed));
  BOOST_TEST(!records[2].trial.value.has_value());
  BOOST_TEST(records[2].message == "boom");
  BOOST_TEST((records[4].trial.state == TrialState::running));
  BOOST_TEST(records[0].finished_at >= records[0].started_at);
  BOOST_TEST(records[0].attempts == 1);
  BOOST_TEST(records[4].worker == "w1");
  const auto trials = storage->trials();
  BOOST_REQUIRE_EQUAL(trials.size(), 5u);
  for (std::size_t i = 0; i < trials.size(); ++i) {
    BOOST_TEST(trials[i].number == records[i].trial.number);
    BOOST_TEST((trials[i].state == records[i].trial.state));
    BOOST_TEST((trials[i].params == records[i].trial.params));
    BOOST_TEST((trials[i].intermediate == records[i].trial.intermediate));
  }
}

// Worker A's trial goes stale; worker B (another connection to the same study) takes it
// over with the same number and parameters; A's later calls change nothing.
inline void check_stale_take_over(StudyStorage& a, StudyStorage& b) {
  CountingSampler sampler;
  a.open_study(study_config());
  b.open_study(study_config());
  const auto first = a.claim_trial(claim_options(2, "A"), sampler);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(a.report(0, "A", 0, 1.5));
  BOOST_TEST(a.heartbeat(0, "A"));
  // Fresh heartbeat: B gets a new trial, not trial 0.
  const auto second = b.claim_trial(claim_options(2, "B", /*grace=*/3600), sampler);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->trial.number == 1);
  BOOST_TEST(!b.claim_trial(claim_options(2, "B", 3600), sampler).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  BOOST_TEST(b.heartbeat(1, "B"));
  // A's heartbeat is now older than 0.1 s: B takes trial 0 over.
  const auto taken = b.claim_trial(claim_options(2, "B", /*grace=*/0.1), sampler);
  BOOST_REQUIRE(taken.has_value());
  BOOST_TEST(taken->trial.number == 0);
  BOOST_TEST(taken->resumed);
  BOOST_TEST(taken->attempt == 2);
  BOOST_TEST((taken->trial.params == first->trial.params));
  // A no longer owns it: its calls change nothing.
  BOOST_TEST(!a.heartbeat(0, "A"));
  BOOST_TEST(!a.report(0, "A", 1, 9.0));
  BOOST_TEST(!a.finish_trial(0, "A", TrialState::complete, 9.0));
  BOOST_TEST(!a.release_trial(0, "A"));
  const auto records = b.records();
  BOOST_TEST(records[0].trial.intermediate.empty());  // cleared for the re-run
  BOOST_TEST(records[0].worker == "B");
  BOOST_TEST(records[0].attempts == 2);
  BOOST_TEST((records[0].trial.state == TrialState::running));
  BOOST_TEST(b.finish_trial(0, "B", TrialState::complete, 0.25));
  BOOST_TEST(*a.records()[0].trial.value == 0.25);
}

// A worker name as HpoSearch makes them: "host:pid:random".
inline std::string worker_name(const std::string& host, pid_t pid) {
  return host + ":" + std::to_string(pid) + ":0badcafe";
}

// A running trial whose worker was a process of this host that has exited is taken over
// at once, however long the grace period; one of another host, or of a live process,
// waits for the grace period.
inline void check_exited_worker_take_over(StudyStorage& s) {
  CountingSampler sampler;
  s.open_study(study_config());
  char host[256] = {};
  BOOST_REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  const pid_t exited = ::fork();
  if (exited == 0) ::_exit(0);
  int status = 0;
  ::waitpid(exited, &status, 0);
  const std::string dead = worker_name(host, exited);
  const std::string remote = worker_name(std::string(host) + "-elsewhere", exited);
  const std::string alive = worker_name(host, ::getppid());
  for (const auto& worker : {remote, alive, dead})
    BOOST_REQUIRE(s.claim_trial(claim_options(4, worker), sampler));
  // Trials 0 (another host) and 1 (a live process) stay theirs; trial 2's worker is gone.
  const auto taken = s.claim_trial(claim_options(4, "B", /*grace=*/3600), sampler);
  BOOST_REQUIRE(taken.has_value());
  BOOST_TEST(taken->trial.number == 2);
  BOOST_TEST(taken->resumed);
  const auto next = s.claim_trial(claim_options(4, "B", 3600), sampler);
  BOOST_REQUIRE(next.has_value());
  BOOST_TEST(next->trial.number == 3);  // a new trial: 0 and 1 are not taken
  BOOST_TEST(!next->resumed);
}

// Two worker processes run HpoSearch @p o (a study of parameters x in [0, 1] and a
// categorical, o.trials = 24) at once; each logs its calls to @p log. Checks that every
// trial ran exactly once, both took part, and the stored values match the stored
// parameters; returns the records.
inline std::vector<TrialRecord> check_two_workers_share_a_study(const HpoSearchOptions& o,
                                                                const std::filesystem::path& log) {
  auto worker = [&] {
    HpoSearch search(o);
    search.run([&](TrialContext& t) {
      append_line(log, std::to_string(t.number()) + " " + to_string(t.param("x")) + " " +
                           std::to_string(getpid()));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const double x = to_double(t.param("x"));
      return (x - 0.3) * (x - 0.3);
    });
  };
  const pid_t a = spawn(worker);
  const pid_t b = spawn(worker);
  BOOST_TEST(wait_for(a) == 0);
  BOOST_TEST(wait_for(b) == 0);

  const auto calls = lines(log);
  BOOST_TEST(calls.size() == 24u);
  std::set<std::string> numbers, pids;
  for (const auto& line : calls) {
    numbers.insert(line.substr(0, line.find(' ')));
    pids.insert(line.substr(line.rfind(' ') + 1));
  }
  BOOST_TEST(numbers.size() == 24u);  // no trial ran twice
  BOOST_TEST(pids.size() == 2u);      // both took part
  HpoSearch search(o);
  auto records = search.storage().records();
  BOOST_REQUIRE_EQUAL(records.size(), 24u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    BOOST_TEST(records[i].trial.number == static_cast<std::int64_t>(i));
    BOOST_TEST((records[i].trial.state == TrialState::complete));
    BOOST_TEST(records[i].attempts == 1);
    // The value stored is the one computed from the stored parameters.
    const double x = to_double(records[i].trial.params.at("x"));
    BOOST_TEST(*records[i].trial.value == (x - 0.3) * (x - 0.3));
  }
  return records;
}

}  // namespace galaxyzoo::testing
