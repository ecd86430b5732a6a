// libFuzzer target: the Kaggle vote-table (CSV catalog) reader, read_vote_table().
#include "fuzz_support.hpp"
#include "galaxyzoo/data/vote_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const galaxyzoo::fuzz::InputFile file(data, size, ".csv");
  galaxyzoo::fuzz::expect_clean_rejection([&] {
    const auto table = galaxyzoo::read_vote_table(file.path());
    // What was accepted keeps its promises.
    if (static_cast<std::size_t>(table.fractions.rows()) != table.rows() ||
        static_cast<std::size_t>(table.fractions.cols()) != table.columns.size()) {
      std::abort();
    }
    for (Eigen::Index i = 0; i < table.fractions.size(); ++i) {
      const double f = table.fractions.data()[i];
      if (!(f >= 0 && f <= 1)) std::abort();
    }
  });
  return 0;
}
