#define BOOST_TEST_MODULE vote_table
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/random.hpp>
#include <galaxyzoo/data/vote_table.hpp>

#include <charconv>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

// Reads @p content as a CSV and returns the InputError it raises.
gz::InputError error_of(const std::string& content) {
  TempDir dir;
  write_text(dir / "votes.csv", content);
  try {
    gz::read_vote_table(dir / "votes.csv");
  } catch (const gz::InputError& e) {
    return e;
  }
  BOOST_FAIL("no InputError for:\n" + content);
  throw;  // unreachable
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kaggle_columns_are_the_37_answers) {
  const auto& columns = gz::kaggle_vote_columns();
  BOOST_TEST(columns.size() == 37u);
  BOOST_TEST(columns.front() == "Class1.1");
  BOOST_TEST(columns[15] == "Class7.1");
  BOOST_TEST(columns.back() == "Class11.6");
}

BOOST_AUTO_TEST_CASE(reads_columns_by_name_in_any_order) {
  TempDir dir;
  write_text(dir / "v.csv", "Class7.1,GalaxyID,Class1.1\r\n0.5,100008,0.25\r\n1,100023,0\r\n");
  const auto table = gz::read_vote_table(dir / "v.csv");
  BOOST_TEST(table.rows() == 2u);
  BOOST_TEST(table.galaxy_ids[1] == 100023);
  BOOST_TEST(table.columns.size() == 2u);
  BOOST_TEST(table.fractions(0, table.column_index("Class1.1")) == 0.25);
  BOOST_TEST(table.fractions(1, table.column_index("Class7.1")) == 1.0);
}

BOOST_AUTO_TEST_CASE(write_then_read_round_trips_to_six_decimals) {
  TempDir dir;
  auto table = gz::testing::one_row_table({{"Class1.1", 1.0 / 3.0}, {"Class2.1", 1.0}}, 42);
  gz::write_vote_table(dir / "out.csv", table);
  const std::string text = gz::testing::read_text(dir / "out.csv");
  BOOST_TEST(contains(text, "GalaxyID,Class1.1,Class1.2"));
  BOOST_TEST(contains(text, "42,0.333333,0.0,0.0,1.0,"));
  const auto back = gz::read_vote_table(dir / "out.csv");
  BOOST_TEST(back.galaxy_ids == table.galaxy_ids, boost::test_tools::per_element());
  BOOST_TEST((back.fractions - table.fractions).cwiseAbs().maxCoeff() < 1e-6);
}

BOOST_AUTO_TEST_CASE(missing_final_newline_and_blank_lines_are_accepted) {
  TempDir dir;
  write_text(dir / "v.csv", "GalaxyID,Class1.1\n1,0.5\n\n2,0.75");
  BOOST_TEST(gz::read_vote_table(dir / "v.csv").rows() == 2u);
}

BOOST_AUTO_TEST_CASE(missing_galaxy_id_column) {
  const auto e = error_of("ID,Class1.1\n1,0.5\n");
  BOOST_TEST(e.line() == 1u);
  BOOST_TEST(e.key() == "GalaxyID");
  BOOST_TEST(contains(e.what(), "votes.csv:1: column 'GalaxyID': missing column"));
}

BOOST_AUTO_TEST_CASE(missing_answer_column_is_named) {
  TempDir dir;
  write_text(dir / "v.csv", "GalaxyID,Class1.1\n1,0.5\n");
  const auto table = gz::read_vote_table(dir / "v.csv");
  try {
    table.column_index("Class7.1");
    BOOST_FAIL("no error for a missing column");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "Class7.1");
    BOOST_TEST(contains(e.what(), "v.csv:1: column 'Class7.1': missing column"));
  }
}

BOOST_AUTO_TEST_CASE(wrong_field_count_names_the_line) {
  const auto e = error_of("GalaxyID,Class1.1,Class1.2\n1,0.5,0.5\n2,0.5\n");
  BOOST_TEST(e.line() == 3u);
  BOOST_TEST(contains(e.what(), "expected 3 fields as in the header, found 2"));
}

BOOST_AUTO_TEST_CASE(non_numeric_value_names_line_and_column) {
  const auto e = error_of("GalaxyID,Class1.1,Class1.2\n1,0.5,0.5\n2,0.5,abc\n");
  BOOST_TEST(e.line() == 3u);
  BOOST_TEST(e.key() == "Class1.2");
  BOOST_TEST(contains(e.what(), "expected a number in [0, 1], got 'abc'"));
}

BOOST_AUTO_TEST_CASE(empty_value_is_rejected) {
  const auto e = error_of("GalaxyID,Class1.1,Class1.2\n1,,0.5\n");
  BOOST_TEST(e.key() == "Class1.1");
}

BOOST_AUTO_TEST_CASE(nan_and_infinity_are_rejected) {
  BOOST_TEST(error_of("GalaxyID,Class1.1\n1,nan\n").key() == "Class1.1");
  BOOST_TEST(error_of("GalaxyID,Class1.1\n1,NaN\n").line() == 2u);
  BOOST_TEST(contains(error_of("GalaxyID,Class1.1\n1,inf\n").what(), "vote fraction in [0, 1]"));
}

BOOST_AUTO_TEST_CASE(fraction_outside_unit_interval_is_rejected) {
  const auto high = error_of("GalaxyID,Class1.1\n1,0.5\n2,1.2\n");
  BOOST_TEST(high.line() == 3u);
  BOOST_TEST(contains(high.what(), "got '1.2'"));
  BOOST_TEST(error_of("GalaxyID,Class1.1\n1,-0.1\n").line() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_galaxy_ids_are_rejected) {
  BOOST_TEST(contains(error_of("GalaxyID,Class1.1\nx7,0.5\n").what(),
                      "expected a positive integer, got 'x7'"));
  BOOST_TEST(error_of("GalaxyID,Class1.1\n-3,0.5\n").key() == "GalaxyID");
  BOOST_TEST(error_of("GalaxyID,Class1.1\n1.5,0.5\n").line() == 2u);
}

BOOST_AUTO_TEST_CASE(duplicate_galaxy_id_names_both_lines) {
  const auto e = error_of("GalaxyID,Class1.1\n100008,0.5\n100023,0.5\n100008,0.1\n");
  BOOST_TEST(e.line() == 4u);
  BOOST_TEST(contains(e.what(), "GalaxyID 100008 repeats line 2"));
}

BOOST_AUTO_TEST_CASE(duplicate_header_column_is_rejected) {
  const auto e = error_of("GalaxyID,Class1.1,Class1.1\n1,0.5,0.5\n");
  BOOST_TEST(e.key() == "Class1.1");
  BOOST_TEST(contains(e.what(), "appears twice"));
}

BOOST_AUTO_TEST_CASE(empty_file_and_header_only_file) {
  BOOST_TEST(contains(error_of("").what(), "empty file"));
  BOOST_TEST(contains(error_of("GalaxyID,Class1.1\n").what(), "no data rows"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error_naming_it) {
  TempDir dir;
  try {
    gz::read_vote_table(dir / "nope.csv");
    BOOST_FAIL("no error for a missing file");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "nope.csv");
    BOOST_TEST(contains(e.what(), "nope.csv"));
  }
}

BOOST_AUTO_TEST_CASE(fast_number_paths_give_the_same_doubles_as_from_chars) {
  // The reader parses plain decimals itself; every value must equal std::from_chars'.
  galaxyzoo::Rng rng(99);
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) {
    const int decimals = static_cast<int>(rng.below(16));  // 0 ... 15
    std::string t = rng.below(20) == 0 ? "1" : "0";
    if (decimals > 0 || rng.below(2) == 0) {
      t += '.';
      for (int d = 0; d < std::max(decimals, 1); ++d) t += static_cast<char>('0' + rng.below(10));
    }
    if (t[0] == '1') t = "1.0";
    texts.push_back(t);
  }
  texts.insert(texts.end(), {"0.5e0", "1e-3", "0.000000000000000001", "0.12345678901234567"});
  std::string csv = "GalaxyID,Class1.1\n";
  for (std::size_t i = 0; i < texts.size(); ++i)
    csv += std::to_string(i + 1) + "," + texts[i] + "\n";
  TempDir dir;
  write_text(dir / "v.csv", csv);
  const auto table = gz::read_vote_table(dir / "v.csv");
  BOOST_REQUIRE(table.rows() == texts.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    double expected = 0;
    std::from_chars(texts[i].data(), texts[i].data() + texts[i].size(), expected);
    mismatches += table.fractions(static_cast<Eigen::Index>(i), 0) != expected;
  }
  BOOST_TEST(mismatches == 0u);
}

BOOST_AUTO_TEST_CASE(spaces_and_quotes_around_fields_are_accepted) {
  TempDir dir;
  write_text(dir / "v.csv", "\"GalaxyID\", \"Class1.1\"\n 7 , \"0.25\"\n8,0.5 \n");
  const auto table = gz::read_vote_table(dir / "v.csv");
  BOOST_TEST(table.galaxy_ids[0] == 7);
  BOOST_TEST(table.fractions(0, 0) == 0.25);
  BOOST_TEST(table.fractions(1, 0) == 0.5);
}

BOOST_AUTO_TEST_CASE(repeated_ids_out_of_order_are_found) {
  const auto e = error_of("GalaxyID,Class1.1\n5,0.5\n3,0.5\n9,0.1\n3,0.2\n");
  BOOST_TEST(e.line() == 5u);
  BOOST_TEST(contains(e.what(), "GalaxyID 3 repeats line 3"));
}

BOOST_AUTO_TEST_CASE(extra_columns_are_not_read_as_fractions) {
  // Issue 18: a catalogue with RA and a text Notes column was refused, its columns
  // checked as vote fractions.
  TempDir dir;
  write_text(dir / "v.csv",
             "GalaxyID,RA,Class1.1,Notes,p_bar\n"
             "100008,150.25,0.5,\"merger, bright\",0.3\n"
             "100023,-12.5,0.25,plain text,0.9\n"
             "100042,7,1,\"a \"\"quoted\"\" word\",0\n");
  const auto table = gz::read_vote_table(dir / "v.csv");
  BOOST_TEST(table.rows() == 3u);
  BOOST_REQUIRE_EQUAL(table.columns.size(), 1u);  // RA, Notes and p_bar are not read
  BOOST_TEST(table.columns[0] == "Class1.1");
  BOOST_TEST(table.fractions(2, 0) == 1.0);
  // A column a rule reads is read, and checked, as a fraction.
  const auto with_bar = gz::read_vote_table(dir / "v.csv", {"p_bar"});
  BOOST_REQUIRE_EQUAL(with_bar.columns.size(), 2u);
  BOOST_TEST(with_bar.fractions(1, with_bar.column_index("p_bar")) == 0.9);
  write_text(dir / "bad.csv", "GalaxyID,RA,p_bar\n1,150.25,1.5\n");
  BOOST_CHECK_NO_THROW(gz::read_vote_table(dir / "bad.csv"));
  try {
    gz::read_vote_table(dir / "bad.csv", {"p_bar"});
    BOOST_FAIL("no error for a rule's column out of [0, 1]");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "p_bar");
    BOOST_TEST(e.line() == 2u);
  }
  // The answer columns are always fractions, and a skipped field still counts.
  BOOST_TEST(error_of("GalaxyID,Notes,Class1.2\n1,x,2\n").key() == "Class1.2");
  BOOST_TEST(contains(error_of("GalaxyID,Notes,Class1.2\n1,x\n").what(), "expected 3 fields"));
  BOOST_TEST(contains(error_of("GalaxyID,Notes\n1,\"open\n").what(), "unterminated"));
}

BOOST_AUTO_TEST_CASE(answers_that_cannot_add_up_are_warned_about) {
  // Issue 18: Class1.* summing to 2.7 was accepted without a word. Real catalogues are
  // rounded, so it is a warning naming the row and the question, not an error.
  TempDir dir;
  write_text(dir / "v.csv",
             "GalaxyID,Class1.1,Class1.2,Class1.3,Class2.1,Class2.2\n"
             "100008,0.9,0.9,0.9,0.1,0.2\n"     // question 1 sums to 2.7
             "100023,0.33,0.33,0.33,0.2,0.1\n"  // rounded: fine
             "100042,0.2,0.8,0,0.7,0.6\n");     // question 2 above 1
  const auto table = gz::read_vote_table(dir / "v.csv");
  BOOST_TEST(table.rows() == 3u);
  BOOST_REQUIRE_EQUAL(table.warnings.size(), 2u);
  BOOST_TEST(contains(table.warnings[0],
                      "v.csv:2: GalaxyID 100008: the answers of Class1.* "
                      "sum to 2.7"),
             table.warnings[0]);
  BOOST_TEST(contains(table.warnings[1], ":4: GalaxyID 100042: the answers of Class2.*"),
             table.warnings[1]);
  // Questions with a column missing are not checked; many rows are counted, not listed.
  std::string many = "GalaxyID,Class1.1,Class1.2\n";
  for (int id = 1; id <= 30; ++id) many += std::to_string(id) + ",0.9,0.9\n";
  write_text(dir / "partial.csv", many);
  BOOST_TEST(gz::read_vote_table(dir / "partial.csv").warnings.empty());
  many = "GalaxyID,Class1.1,Class1.2,Class1.3\n";
  for (int id = 1; id <= 30; ++id) many += std::to_string(id) + ",0.9,0.9,0\n";
  write_text(dir / "many.csv", many);
  const auto warned = gz::read_vote_table(dir / "many.csv").warnings;
  BOOST_REQUIRE_EQUAL(warned.size(), 11u);
  BOOST_TEST(contains(warned.back(), "and 20 more rows"), warned.back());
}
