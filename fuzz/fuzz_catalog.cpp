// libFuzzer target: the catalogue readers of classify --catalog, read_catalog(): a CSV with
// any columns (quoted fields, line breaks in quotes, byte-order marks) or a FITS table
// through cfitsio; the file's first bytes decide which.
#include "fuzz_support.hpp"
#include "galaxyzoo/data/catalog.hpp"

// cfitsio allocates with calloc() what a FITS header declares; for an absurd header the
// allocation fails, cfitsio reports a memory error and read_catalog() a clean one. That
// is what users meet; AddressSanitizer would report the failed allocation itself instead
// (regressions/catalog/fits-absurd-table-size), so here malloc and calloc may return null.
// C++'s operator new still reports any allocation too large.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const galaxyzoo::fuzz::InputFile file(data, size, ".cat");
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto catalog = galaxyzoo::read_catalog(file.path());
    // What was accepted keeps its promises: columns of one length, and for CSV a line
    // number per row and unique column names.
    const std::size_t rows = catalog.rows();
    for (const auto& column : catalog.columns) {
      if (column.values.size() != rows) std::abort();
    }
    if (catalog.format == galaxyzoo::Catalog::Format::csv) {
      if (catalog.lines.size() != rows) std::abort();
      for (std::size_t i = 0; i < catalog.columns.size(); ++i) {
        if (catalog.columns[i].name.empty() || catalog.find(catalog.columns[i].name) != i)
          std::abort();
      }
    }
  });
  return 0;
}
