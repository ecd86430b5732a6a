#define BOOST_TEST_MODULE sealed_file
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/sealed_file.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::read_text;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

// The CorruptFileError message for the sealed file @p path, or "" if it reads cleanly.
std::string damage(const fs::path& path) {
  try {
    gz::read_sealed_file(path);
  } catch (const gz::CorruptFileError& e) {
    BOOST_TEST(e.path() == path);
    BOOST_TEST(std::string(e.what()).find(path.string()) != std::string::npos);
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(payload_round_trips_with_any_bytes) {
  TempDir dir;
  std::string payload;
  for (int i = 0; i < 5000; ++i) payload.push_back(static_cast<char>(i * 7919 % 256));
  gz::write_sealed_file(dir / "a.bin", payload);
  BOOST_TEST(gz::read_sealed_file(dir / "a.bin") == payload);
  BOOST_TEST(fs::file_size(dir / "a.bin") == payload.size() + 32);
  BOOST_TEST(gz::looks_sealed(read_text(dir / "a.bin")));
  gz::write_sealed_file(dir / "empty.bin", "");
  BOOST_TEST(gz::read_sealed_file(dir / "empty.bin").empty());
  BOOST_TEST(!fs::exists(gz::previous_copy(dir / "a.bin")));
}

BOOST_AUTO_TEST_CASE(every_kind_of_damage_is_reported_with_the_file) {
  TempDir dir;
  const std::string payload(1000, 'x');
  gz::write_sealed_file(dir / "good.bin", payload);
  const std::string bytes = read_text(dir / "good.bin");

  write_text(dir / "truncated.bin", bytes.substr(0, 600));
  BOOST_TEST(contains(damage(dir / "truncated.bin"), "truncated: 568 of 1000 payload bytes"));
  write_text(dir / "header.bin", bytes.substr(0, 20));
  BOOST_TEST(contains(damage(dir / "header.bin"), "truncated in its header"));
  write_text(dir / "tiny.bin", "GZ");
  BOOST_TEST(contains(damage(dir / "tiny.bin"), "truncated"));
  write_text(dir / "longer.bin", bytes + "more");
  BOOST_TEST(contains(damage(dir / "longer.bin"), "4 bytes more than recorded"));
  std::string flipped = bytes;
  flipped[500] ^= 0x10;
  write_text(dir / "flipped.bin", flipped);
  BOOST_TEST(contains(damage(dir / "flipped.bin"), "checksum mismatch"));
  write_text(dir / "foreign.bin", "PK\x03\x04 a zip file, or anything else");
  BOOST_TEST(contains(damage(dir / "foreign.bin"), "not a galaxyzoo sealed file"));
  std::string version = bytes;
  version[8] = 9;
  write_text(dir / "version.bin", version);
  BOOST_TEST(contains(damage(dir / "version.bin"), "layout version 9"));
  write_text(dir / "zeros.bin", std::string(4096, '\0'));
  BOOST_TEST(!damage(dir / "zeros.bin").empty());
  BOOST_TEST(damage(dir / "good.bin").empty());

  // A missing file is not a damaged one.
  BOOST_CHECK_THROW(gz::read_sealed_file(dir / "missing.bin"), gz::IoError);
  try {
    gz::read_sealed_file(dir / "missing.bin");
  } catch (const gz::CorruptFileError&) {
    BOOST_FAIL("a missing file reported as damaged");
  } catch (const gz::IoError&) {
  }
}

BOOST_AUTO_TEST_CASE(keep_previous_holds_the_replaced_file) {
  TempDir dir;
  const fs::path file = dir / "checkpoint.pt";
  gz::write_sealed_file(file, "one", gz::KeepPrevious::yes);
  BOOST_TEST(!fs::exists(gz::previous_copy(file)));  // nothing was replaced
  gz::write_sealed_file(file, "two", gz::KeepPrevious::yes);
  BOOST_TEST(gz::read_sealed_file(file) == "two");
  BOOST_TEST(gz::read_sealed_file(gz::previous_copy(file)) == "one");
  gz::write_sealed_file(file, "three", gz::KeepPrevious::yes);
  BOOST_TEST(gz::read_sealed_file(gz::previous_copy(file)) == "two");
  BOOST_TEST(gz::previous_copy(file) == dir / "checkpoint.pt.previous");
  // Nothing else is left in the folder.
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 2);
}

BOOST_AUTO_TEST_CASE(keep_previous_copies_where_it_cannot_link) {
  TempDir dir;
  const fs::path file = dir / "checkpoint.pt";
  gz::write_sealed_file(file, "one", gz::KeepPrevious::yes);
  // A folder in the way of the hard link's temporary name: the link fails, as on a file
  // system without hard links, and the file is copied instead.
  const fs::path link = gz::previous_copy(file).string() + ".link";
  fs::create_directories(link / "inside");
  gz::write_sealed_file(file, "two", gz::KeepPrevious::yes);
  BOOST_TEST(gz::read_sealed_file(file) == "two");
  BOOST_TEST(gz::read_sealed_file(gz::previous_copy(file)) == "one");
  gz::write_sealed_file(file, "three", gz::KeepPrevious::yes);
  BOOST_TEST(gz::read_sealed_file(gz::previous_copy(file)) == "two");
  // The copy left no temporary file behind: only the file, its copy and the folder.
  BOOST_TEST(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 3);
}

BOOST_AUTO_TEST_CASE(failed_write_keeps_both_copies) {
  TempDir dir;
  const fs::path file = dir / "checkpoint.pt";
  gz::write_sealed_file(file, "one", gz::KeepPrevious::yes);
  gz::write_sealed_file(file, "two", gz::KeepPrevious::yes);
  // A folder where the temporary file would be renamed to: the write fails at the end.
  fs::create_directories(dir / "blocked" / "inside");
  BOOST_CHECK_THROW(gz::write_sealed_file(dir / "blocked", "x"), gz::IoError);
  // A file where the folder should be: the write cannot start.
  BOOST_CHECK_THROW(gz::write_sealed_file(file / "inside.pt", "x"), gz::IoError);
  BOOST_TEST(gz::read_sealed_file(file) == "two");
  BOOST_TEST(gz::read_sealed_file(gz::previous_copy(file)) == "one");
}
