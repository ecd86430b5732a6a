#define BOOST_TEST_MODULE study_storage
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/study_storage.hpp>

#include <filesystem>
#include <string>

#include "kaggle_fixture.hpp"

// open_storage(): which URLs open which storage. What the SQLite storage then does is in
// test_sqlite_storage.cpp.

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

gz::StudyConfig config() {
  gz::SearchSpace space;
  space.add_float("lr", 1e-6, 1e-2, /*log=*/true);
  return {"s1", space, "random"};
}

template <typename F>
void check_error(F f, const std::string& fragment) {
  try {
    f();
    BOOST_ERROR("expected an error containing '" << fragment << "'");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos, e.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(storage_urls) {
  TempDir dir;
  check_error([&] { gz::open_storage("mysql://host/db"); }, "unknown scheme 'mysql'");
  check_error([&] { gz::open_storage(""); }, "empty storage URL");
  check_error([&] { gz::open_storage("sqlite:///"); }, "names no file");
  auto a =
      gz::open_storage("sqlite:///" + (dir / "a.db").string());  // an absolute path: four slashes
  a->open_study(config());
  BOOST_TEST(std::filesystem::exists(dir / "a.db"));
  check_error(
      [&] { gz::open_storage("sqlite:///" + (dir / "c.db").string() + "?journal_mode=memory"); },
      "unknown option 'journal_mode=memory'");
  auto c = gz::open_storage("sqlite:///" + (dir / "c.db").string() +
                            "?journal_mode=delete&synchronous=full&busy_timeout_ms=10");
  c->open_study(config());
  BOOST_TEST(
      !std::filesystem::exists(dir / "c.db-wal"));  // rollback journal: no WAL file while open
  auto b = gz::open_storage((dir / "b.db").string());
  b->open_study(config());
  BOOST_TEST(std::filesystem::exists(dir / "b.db"));
}
