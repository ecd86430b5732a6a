#include "images/fits_hdus.hpp"

#include <cctype>
#include <fstream>
#include <string>
#include <string_view>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

constexpr std::size_t kCardSize = 80;

bool starts_with_ttype(std::string_view card) {
  constexpr std::string_view kKey = "TTYPE";
  for (std::size_t i = 0; i < kKey.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(card[i])) != kKey[i]) return false;
  }
  return true;
}

// Whether the value of @p card (after its '=') is a quoted string, or absent.
bool value_quoted_or_absent(std::string_view card) {
  const std::size_t equals = card.find('=');
  if (equals == std::string_view::npos) return true;
  const std::size_t first = card.find_first_not_of(' ', equals + 1);
  return first == std::string_view::npos || card[first] == '\'' || card[first] == '/';
}

}  // namespace

void check_header_cards(std::istream& in, const std::filesystem::path& path, long long offset,
                        int hdu) {
  in.clear();  // an earlier header may have been read to the end of the file
  in.seekg(offset);
  char bytes[kCardSize];
  for (std::size_t n = 1; in.read(bytes, kCardSize); ++n) {
    const std::string_view card(bytes, kCardSize);
    if (card.substr(0, 8) == "END     ") return;
    if (starts_with_ttype(card) && !value_quoted_or_absent(card)) {
      const std::string key(card.substr(0, card.find_first_of(" =")));
      throw InputError(path, 0, key,
                       "HDU " + std::to_string(hdu) + ", header card " + std::to_string(n) +
                           ": a column name that is not a quoted string; FITS expects "
                           "TTYPEn = 'NAME'");
    }
  }
}

int count_checked_hdus(fitsfile* file, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  int status = 0, type = 0;
  int count = fits_movabs_hdu(file, 1, &type, &status) == 0 ? 1 : 0;
  while (status == 0) {
    long long head = 0, data = 0, end = 0;
    if (fits_get_hduaddrll(file, &head, &data, &end, &status) != 0) break;
    check_header_cards(in, path, end, count);
    if (fits_movrel_hdu(file, 1, &type, &status) == 0) ++count;
  }
  fits_clear_errmsg();
  return count;
}

}  // namespace galaxyzoo
