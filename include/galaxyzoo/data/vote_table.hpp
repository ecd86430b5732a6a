#pragma once
/// @file
/// The Galaxy Zoo 2 vote-fraction table (`training_solutions_rev1.csv`).
///
/// The Kaggle file has a `GalaxyID` column and 37 vote-fraction columns, one for each
/// answer of the Galaxy Zoo 2 decision tree (`Class1.1` ... `Class11.6`). Answers to later
/// questions are scaled by the fraction of volunteers who reached the question, so the
/// answers of question 1 sum to 1 and those of, say, question 7 sum to `Class1.1`.
///
/// Columns are found by their header names, never by position. Other columns (RA, a text
/// Notes column) may be there: they are not read.
///
/// @code
/// auto table = galaxyzoo::read_vote_table(root / "training_solutions_rev1.csv");
/// const auto smooth = table.column_index("Class1.1");
/// double f = table.fractions(0, smooth);   // first galaxy's "smooth" fraction
/// @endcode

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace galaxyzoo {

/// The 37 answer columns of the Galaxy Zoo 2 decision tree, in the Kaggle file's order.
const std::vector<std::string>& kaggle_vote_columns();

/// Galaxy IDs and their vote fractions, one row per galaxy, in file order.
struct VoteTable {
  /// Row-major so that one galaxy's answers are contiguous.
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  std::vector<std::int64_t> galaxy_ids;  ///< `GalaxyID` of each row
  std::vector<std::string> columns;      ///< names of the fraction columns, in file order
  Matrix fractions;                      ///< rows() x columns.size(), values in [0, 1]
  std::filesystem::path source;          ///< file it was read from (for messages); may be empty
  /// What read_vote_table() found suspicious but accepted: rows whose answers to one
  /// question cannot add up (file, line, GalaxyID and question; the first 10, then a count).
  std::vector<std::string> warnings;

  /// Number of galaxies.
  std::size_t rows() const noexcept { return galaxy_ids.size(); }

  /// Index of the column called @p name.
  /// @throws InputError naming the column and the file if there is no such column.
  Eigen::Index column_index(std::string_view name) const;
};

/// Reads a Kaggle-layout vote table: the `GalaxyID` column and, as fraction columns (in
/// file order), those of the 37 answer columns that are there and the columns named in
/// @p fraction_columns (e.g. the columns a labelling rule reads). Other columns are
/// skipped unread (a quoted field may hold commas).
///
/// Checks, and reports with the file, line and column: a missing `GalaxyID` column, a
/// repeated or empty column name, a row with the wrong number of fields, a GalaxyID that
/// is not a positive integer or that repeats an earlier row, a fraction that is not a
/// finite number in [0, 1], and an empty file. Accepts `\n` and `\r\n` line ends and a
/// missing final newline. Rows where the answers of a question (all of whose columns are
/// there) cannot add up (question 1 not summing to 1, a later one above 1, beyond 0.05
/// for rounding) are accepted and named in VoteTable::warnings: real catalogues are
/// rounded.
/// @throws IoError if the file cannot be read; InputError for malformed content.
VoteTable read_vote_table(const std::filesystem::path& csv,
                          const std::vector<std::string>& fraction_columns = {});

/// Writes @p table in the Kaggle layout (fractions with 6 decimals), atomically.
/// @throws IoError if the file cannot be written.
void write_vote_table(const std::filesystem::path& csv, const VoteTable& table);

}  // namespace galaxyzoo
