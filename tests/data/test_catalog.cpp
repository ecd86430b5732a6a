#define BOOST_TEST_MODULE catalog
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/catalog.hpp>
#include <galaxyzoo/data/fits_table.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::read_text;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

// The InputError that reading @p csv throws (fails the test if none).
gz::InputError csv_error(const std::filesystem::path& csv) {
  try {
    gz::read_csv_catalog(csv);
  } catch (const gz::InputError& e) {
    return e;
  }
  BOOST_FAIL("no error for " + csv.string());
  throw;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(any_columns_kept_as_written) {
  TempDir dir;
  write_text(dir / "c.csv",
             "objid,ra,dec,mag,note\n"
             "1237648720693755918,150.25,2.5,17.1,plain\n"
             "1237648720693755919, 150.5 ,-2.25,,\"a, b \"\"c\"\"\"\n");
  const auto c = gz::read_csv_catalog(dir / "c.csv");
  BOOST_TEST(c.rows() == 2u);
  BOOST_TEST(c.columns.size() == 5u);
  BOOST_TEST((c.format == gz::Catalog::Format::csv));
  BOOST_TEST(c.text(0, 0) == "1237648720693755918");  // 19 digits, never a double
  BOOST_TEST(c.text(1, 0) == "1237648720693755919");
  BOOST_TEST(c.text(1, 4) == "a, b \"c\"");
  BOOST_TEST(c.text(1, 3) == "");
  BOOST_TEST((c.columns[2].type == gz::ColumnType::text));
  BOOST_TEST(c.number(1, c.column_index("ra")) == 150.5);  // spaces around a number
  BOOST_TEST(c.number(1, 2) == -2.25);
  BOOST_TEST(c.lines == (std::vector<std::size_t>{2, 3}));
  BOOST_TEST(c.where(1) == (dir / "c.csv").string() + ":3");
}

BOOST_AUTO_TEST_CASE(line_ends_byte_order_mark_blank_lines_and_quoted_line_breaks) {
  TempDir dir;
  write_text(dir / "c.csv", "\xEF\xBB\xBFid,text\r\n1,\"two\nlines\"\r\n\r\n2,x");
  const auto c = gz::read_csv_catalog(dir / "c.csv");
  BOOST_TEST(c.columns[0].name == "id");
  BOOST_TEST(c.rows() == 2u);
  BOOST_TEST(c.text(0, 1) == "two\nlines");
  BOOST_TEST(c.text(1, 1) == "x");
  BOOST_TEST(c.lines == (std::vector<std::size_t>{2, 5}));  // the quoted break counts
}

BOOST_AUTO_TEST_CASE(bad_files_name_file_line_and_column) {
  TempDir dir;
  write_text(dir / "ragged.csv", "objid,ra,dec\n1,2,3\n4,5\n");
  auto e = csv_error(dir / "ragged.csv");
  BOOST_TEST(e.line() == 3u);
  BOOST_TEST(has(e.what(), "ragged.csv:3"));
  BOOST_TEST(has(e.what(), "2 fields, expected 3"));

  write_text(dir / "twice.csv", "objid,ra,ra\n1,2,3\n");
  e = csv_error(dir / "twice.csv");
  BOOST_TEST(e.key() == "ra");
  BOOST_TEST(has(e.what(), "appears twice"));

  write_text(dir / "unnamed.csv", "objid,,dec\n1,2,3\n");
  BOOST_TEST(has(csv_error(dir / "unnamed.csv").what(), "empty column name in field 2"));
  write_text(dir / "empty.csv", "");
  BOOST_TEST(has(csv_error(dir / "empty.csv").what(), "empty file"));
  write_text(dir / "open.csv", "a,b\n1,\"unterminated\n");
  e = csv_error(dir / "open.csv");
  BOOST_TEST(e.line() == 2u);
  BOOST_TEST(has(e.what(), "unterminated quoted field"));
  write_text(dir / "after.csv", "a,b\n1,\"x\"y\n");
  BOOST_TEST(has(csv_error(dir / "after.csv").what(), "after a quoted field"));
  BOOST_CHECK_THROW(gz::read_csv_catalog(dir / "missing.csv"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(columns_and_numbers_are_checked_with_the_place) {
  TempDir dir;
  write_text(dir / "c.csv", "objid,ra\n7,abc\n8,nan\n");
  const auto c = gz::read_csv_catalog(dir / "c.csv");
  try {
    c.column_index("dec");
    BOOST_FAIL("no error for a missing column");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "dec");
    BOOST_TEST(has(e.what(), "the columns are: objid, ra"));
  }
  try {
    c.number(0, 1);
    BOOST_FAIL("no error for a text");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.line() == 2u);
    BOOST_TEST(e.key() == "ra");
    BOOST_TEST(has(e.what(), "expected a finite number, got 'abc'"));
  }
  BOOST_CHECK_THROW(c.number(1, 1), gz::InputError);  // NaN is not a position
  BOOST_TEST(c.find("ra") == 1u);
  BOOST_TEST(c.find("nope") == 2u);
}

BOOST_AUTO_TEST_CASE(csv_round_trip_and_added_columns) {
  TempDir dir;
  write_text(dir / "c.csv", "objid,note\n0012,\"a,b\"\n13,\"say \"\"hi\"\"\"\n");
  auto c = gz::read_csv_catalog(dir / "c.csv");
  c.add_column({"flag", gz::ColumnType::integer, {"1", "0"}, "", ""});
  BOOST_CHECK_THROW(c.add_column({"flag", gz::ColumnType::text, {"", ""}, "", ""}), gz::Error);
  BOOST_CHECK_THROW(c.add_column({"short", gz::ColumnType::text, {""}, "", ""}), gz::Error);
  gz::write_catalog(dir / "out.csv", c, /*fits=*/false);
  BOOST_TEST(read_text(dir / "out.csv") ==
             "objid,note,flag\n0012,\"a,b\",1\n13,\"say \"\"hi\"\"\",0\n");
  const auto back = gz::read_catalog(dir / "out.csv");
  BOOST_TEST(back.text(0, 0) == "0012");  // leading zeros kept: ids are text
  BOOST_TEST(back.text(1, 1) == "say \"hi\"");
}

BOOST_AUTO_TEST_CASE(fits_names_and_fits_content_are_recognised) {
  BOOST_TEST(gz::is_fits_name("out.fits"));
  BOOST_TEST(gz::is_fits_name("OUT.FIT"));
  BOOST_TEST(gz::is_fits_name("a/b.fts"));
  BOOST_TEST(!gz::is_fits_name("out.csv"));
  BOOST_TEST(!gz::is_fits_name("fits"));
  TempDir dir;
  write_text(dir / "c.csv", "objid,ra\n7,1.5\n");
  auto c = gz::read_catalog(dir / "c.csv");
  gz::write_catalog(dir / "table.dat", c, /*fits=*/true);  // FITS whatever the name
  const auto back = gz::read_catalog(dir / "table.dat");   // recognised by its content
  BOOST_TEST((back.format == gz::Catalog::Format::fits));
  BOOST_TEST(back.text(0, 1) == "1.5");
  BOOST_TEST(back.where(0) == (dir / "table.dat").string() + " row 1");
}
