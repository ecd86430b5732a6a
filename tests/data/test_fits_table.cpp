#define BOOST_TEST_MODULE fits_table
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/catalog.hpp>
#include <galaxyzoo/data/fits_table.hpp>

#include <cmath>
#include <limits>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::fits_ok;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

// A catalogue table of every scalar type in HDU 1 (after an empty primary HDU), 3 rows:
// objid (K), ra (D, unit deg), mag (E), n (J), small (I, TNULL -99), flag (L), name (8A),
// u16 (U), byte (B).
void write_typed_table(const std::filesystem::path& path, bool with_vector = false) {
  std::filesystem::remove(path);
  fitsfile* f = nullptr;
  int status = 0;
  fits_create_diskfile(&f, path.c_str(), &status);
  std::vector<std::string> names{"objid", "ra", "mag", "n", "small", "flag", "name", "u16", "byte"};
  std::vector<std::string> forms{"1K", "1D", "1E", "1J", "1I", "1L", "8A", "1U", "1B"};
  std::vector<std::string> units{"", "deg", "mag", "", "", "", "", "", ""};
  if (with_vector) {
    names.push_back("flux");
    forms.push_back("3E");
    units.push_back("");
  }
  std::vector<char*> n, t, u;
  for (std::size_t i = 0; i < names.size(); ++i) {
    n.push_back(names[i].data());
    t.push_back(forms[i].data());
    u.push_back(units[i].data());
  }
  fits_create_tbl(f, BINARY_TBL, 3, static_cast<int>(n.size()), n.data(), t.data(), u.data(), "CAT",
                  &status);
  long long ids[3] = {1237648720693755918LL, -5, std::numeric_limits<long long>::max()};
  double ra[3] = {150.125, 0.1, 359.999999};
  float mag[3] = {17.1f, std::nanf(""), 20.0f};
  long ns[3] = {-2147483647L, 0, 42};
  short small[3] = {1, -99, 3};
  char flags[3] = {1, 0, 2};  // T, F, undefined (2 is the null value below)
  const char* text[3] = {"NGC 1", "", "abcdefgh"};
  unsigned short u16[3] = {65535, 0, 7};
  unsigned char bytes[3] = {255, 0, 1};
  fits_write_col(f, TLONGLONG, 1, 1, 1, 3, ids, &status);
  fits_write_col(f, TDOUBLE, 2, 1, 1, 3, ra, &status);
  fits_write_col(f, TFLOAT, 3, 1, 1, 3, mag, &status);
  fits_write_col(f, TLONG, 4, 1, 1, 3, ns, &status);
  int tnull = -99;
  fits_write_key(f, TINT, "TNULL5", &tnull, nullptr, &status);
  fits_set_btblnull(f, 5, -99, &status);
  fits_write_col(f, TSHORT, 5, 1, 1, 3, small, &status);
  char null_flag = 2;
  fits_write_colnull(f, TLOGICAL, 6, 1, 1, 3, flags, &null_flag, &status);
  fits_write_col_str(f, 7, 1, 1, 3, const_cast<char**>(text), &status);
  fits_write_col(f, TUSHORT, 8, 1, 1, 3, u16, &status);
  fits_write_col(f, TBYTE, 9, 1, 1, 3, bytes, &status);
  fits_ok(status, "typed table");
  fits_close_file(f, &status);
  fits_ok(status, "close");
}

void check_typed(const gz::Catalog& c) {
  BOOST_REQUIRE(c.columns.size() == 9u);
  BOOST_REQUIRE(c.rows() == 3u);
  BOOST_TEST(c.text(0, 0) == "1237648720693755918");
  BOOST_TEST(c.text(2, 0) == "9223372036854775807");
  BOOST_TEST(c.text(1, 0) == "-5");
  BOOST_TEST(c.text(0, 1) == "150.125");
  BOOST_TEST(c.text(2, 1) == "359.999999");
  BOOST_TEST(c.text(0, 2) == "17.1");  // the float's shortest text
  BOOST_TEST(c.text(1, 2) == "");      // NaN: no value
  BOOST_TEST(c.text(0, 3) == "-2147483647");
  BOOST_TEST(c.text(1, 4) == "");  // TNULL
  BOOST_TEST(c.text(2, 4) == "3");
  BOOST_TEST(c.text(0, 5) == "T");
  BOOST_TEST(c.text(1, 5) == "F");
  BOOST_TEST(c.text(2, 5) == "");
  BOOST_TEST(c.text(0, 6) == "NGC 1");
  BOOST_TEST(c.text(2, 6) == "abcdefgh");
  BOOST_TEST(c.text(0, 7) == "65535");
  BOOST_TEST(c.text(0, 8) == "255");
  BOOST_TEST((c.columns[0].type == gz::ColumnType::integer));
  BOOST_TEST((c.columns[1].type == gz::ColumnType::real));
  BOOST_TEST((c.columns[5].type == gz::ColumnType::logical));
  BOOST_TEST((c.columns[6].type == gz::ColumnType::text));
  BOOST_TEST(c.columns[1].unit == "deg");
}

gz::InputError table_error(const std::filesystem::path& path, int hdu = -1) {
  try {
    gz::read_fits_table(path, hdu);
  } catch (const gz::InputError& e) {
    return e;
  }
  BOOST_FAIL("no error for " + path.string());
  throw;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_scalar_type_is_read_as_text) {
  TempDir dir;
  write_typed_table(dir / "cat.fits");
  const auto c = gz::read_fits_table(dir / "cat.fits");
  BOOST_TEST((c.format == gz::Catalog::Format::fits));
  check_typed(c);
  BOOST_TEST(c.columns[0].fits_format == "1K");
  BOOST_TEST(c.columns[2].fits_format == "1E");
  BOOST_TEST(c.columns[6].fits_format == "8A");
  BOOST_TEST(c.columns[7].fits_format == "1U");
  BOOST_TEST(gz::read_fits_table(dir / "cat.fits", 1).rows() == 3u);
  BOOST_TEST(gz::read_catalog(dir / "cat.fits").rows() == 3u);  // by content
}

BOOST_AUTO_TEST_CASE(written_table_reads_back_alike) {
  TempDir dir;
  write_typed_table(dir / "cat.fits");
  auto c = gz::read_fits_table(dir / "cat.fits");
  c.add_column({"p_a", gz::ColumnType::real, {"0.25", "0.5", "1e-07"}, "1E", ""});
  gz::write_fits_table(dir / "out.fits", c);
  BOOST_TEST(std::filesystem::file_size(dir / "out.fits") % 2880 == 0u);
  const auto back = gz::read_fits_table(dir / "out.fits");
  check_typed(
      gz::Catalog{std::vector<gz::CatalogColumn>(back.columns.begin(), back.columns.begin() + 9),
                  back.source,
                  back.format,
                  {}});
  for (std::size_t i = 0; i < 9; ++i)
    BOOST_TEST(back.columns[i].fits_format == c.columns[i].fits_format);
  BOOST_TEST(back.text(2, 9) == "1e-07");
  BOOST_TEST(back.columns[9].fits_format == "1E");
}

BOOST_AUTO_TEST_CASE(csv_text_columns_get_types_from_their_values) {
  TempDir dir;
  write_text(dir / "c.csv",
             "objid,ra,label,count,code\n"
             "1237648720693755918,150.5,spiral,3,007\n"
             "1237648720693755919,,ring,,12\n");
  gz::write_catalog(dir / "c.fits", gz::read_csv_catalog(dir / "c.csv"), /*fits=*/true);
  const auto t = gz::read_fits_table(dir / "c.fits");
  BOOST_TEST(t.columns[0].fits_format == "1K");  // 19-digit ids exact in 64 bits
  BOOST_TEST(t.text(1, 0) == "1237648720693755919");
  BOOST_TEST(t.columns[1].fits_format == "1D");
  BOOST_TEST(t.text(1, 1) == "");  // empty: NaN
  BOOST_TEST(t.columns[2].fits_format == "6A");
  BOOST_TEST(t.columns[3].fits_format == "1K");  // with a TNULL for the empty value
  BOOST_TEST(t.text(1, 3) == "");
  BOOST_TEST(t.text(0, 3) == "3");
  BOOST_TEST(t.columns[4].fits_format == "3A");  // "007" is not written plainly: text
  BOOST_TEST(t.text(0, 4) == "007");
}

BOOST_AUTO_TEST_CASE(values_that_do_not_fit_their_type_are_refused) {
  TempDir dir;
  gz::Catalog c;
  c.columns.push_back({"n", gz::ColumnType::integer, {"1", "x"}, "1J", ""});
  try {
    gz::write_fits_table(dir / "bad.fits", c);
    BOOST_FAIL("no error for a text in an integer column");
  } catch (const gz::Error& e) {
    BOOST_TEST(has(e.what(), "column 'n' row 2: 'x'"));
  }
  BOOST_TEST(!std::filesystem::exists(dir / "bad.fits"));
}

BOOST_AUTO_TEST_CASE(missing_tables_and_unusable_columns_are_named) {
  TempDir dir;
  gz::testing::write_fits(dir / "image.fits",
                          {gz::testing::fits_image(4, 4, [](int, int) { return 1; })});
  auto e = table_error(dir / "image.fits");
  BOOST_TEST(has(e.what(), "no table HDU among its 1 HDUs"));
  e = table_error(dir / "image.fits", 3);
  BOOST_TEST(e.key() == "HDU 3");
  BOOST_TEST(has(e.what(), "no such HDU: the file has 1"));
  write_typed_table(dir / "cat.fits");
  e = table_error(dir / "cat.fits", 0);
  BOOST_TEST(has(e.what(), "not a table"));
  write_typed_table(dir / "vector.fits", /*with_vector=*/true);
  e = table_error(dir / "vector.fits");
  BOOST_TEST(e.key() == "flux");
  BOOST_TEST(has(e.what(), "a vector column of 3 values a row (TFORM '3E')"));
  write_text(dir / "text.fits",
             "not a FITS file at all, but long enough to be read as one........");
  BOOST_CHECK_THROW(gz::read_fits_table(dir / "text.fits"), gz::IoError);
  BOOST_CHECK_THROW(gz::read_fits_table(dir / "absent.fits"), gz::IoError);
}
