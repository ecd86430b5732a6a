#define BOOST_TEST_MODULE fits_hdus
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/catalog.hpp>
#include <galaxyzoo/data/fits_table.hpp>

#include <memory>
#include <sstream>
#include <string>

#include "images/fits_hdus.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::read_text;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

// A FITS table (primary HDU, then the table) of two columns, id and ra.
std::filesystem::path write_table(const TempDir& dir) {
  gz::Catalog catalog;
  catalog.add_column({"id", gz::ColumnType::integer, {"1", "2"}});
  catalog.add_column({"ra", gz::ColumnType::real, {"10.5", "11.5"}});
  const auto path = dir.path() / "table.fits";
  gz::write_fits_table(path, catalog);
  return path;
}

// Replaces the value of the header card that starts with @p key in @p path by @p value.
void set_card_value(const std::filesystem::path& path, const std::string& key,
                    const std::string& value) {
  std::string bytes = read_text(path);
  for (std::size_t at = 0; at + 80 <= bytes.size(); at += 80) {
    if (bytes.compare(at, key.size(), key) != 0) continue;
    bytes.replace(at + 10, 70, (value + std::string(70, ' ')).substr(0, 70));
    write_text(path, bytes);
    return;
  }
  BOOST_FAIL("no card " + key);
}

struct CloseFits {
  void operator()(fitsfile* f) const {
    int status = 0;
    fits_close_file(f, &status);
  }
};

int count_in(const std::filesystem::path& path) {
  fitsfile* raw = nullptr;
  int status = 0;
  fits_open_diskfile(&raw, path.c_str(), READONLY, &status);
  BOOST_TEST_REQUIRE(status == 0);
  const std::unique_ptr<fitsfile, CloseFits> file(raw);
  return gz::count_checked_hdus(raw, path);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_sound_file_s_hdus_are_all_counted) {
  const TempDir dir;
  const auto path = write_table(dir);
  BOOST_TEST(count_in(path) == 2);
  BOOST_TEST(gz::read_fits_table(path).columns.size() == 2u);
}

// The file that made Debian's cfitsio 4.2 abort (a 70-character unquoted TTYPE value
// overflowing its 70-byte buffer) is refused with the HDU, the card and what FITS expects.
BOOST_AUTO_TEST_CASE(an_unquoted_column_name_is_refused_before_cfitsio_reads_it) {
  const TempDir dir;
  const auto path = write_table(dir);
  set_card_value(path, "TTYPE2  ", std::string(70, 'x'));
  try {
    gz::read_fits_table(path);
    BOOST_FAIL("expected an InputError");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.key() == "TTYPE2");
    BOOST_TEST(std::string(e.what()).find("HDU 1, header card") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("TTYPEn = 'NAME'") != std::string::npos);
  }
  BOOST_CHECK_THROW(count_in(path), gz::InputError);
}

BOOST_AUTO_TEST_CASE(quoted_and_absent_values_pass) {
  const std::filesystem::path path = "cards.fits";  // named in the errors only
  const auto card = [](const std::string& text) {
    return (text + std::string(80, ' ')).substr(0, 80);
  };
  std::istringstream header(card("TTYPE1  = 'ra      '           / label") + card("TTYPE2  =") +
                            card("TTYPE3  =                    / no value") + card("END") +
                            card("TTYPE4  = after_the_end"));
  BOOST_CHECK_NO_THROW(gz::check_header_cards(header, path, 0, 1));
  // Cards after END are not read (TTYPE4 above); past the end of the file nothing is.
  BOOST_CHECK_NO_THROW(gz::check_header_cards(header, path, 80 * 100, 1));
  std::istringstream lower_case(card("ttype7  = lower_case_key"));
  BOOST_CHECK_THROW(gz::check_header_cards(lower_case, path, 0, 3), gz::InputError);
}
