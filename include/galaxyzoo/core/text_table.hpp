#pragma once
/// @file
/// Plain-text tables for terminal summaries, in Markdown pipe syntax.
///
/// @code
/// galaxyzoo::TextTable t({"Class", "Number"});
/// t.add_row({"class 0", "8436"});
/// std::cout << t.render();
/// // | Class   | Number |
/// // |---------|-------:|
/// // | class 0 |   8436 |
/// @endcode

#include <cstddef>
#include <string>
#include <vector>

namespace galaxyzoo {

/// A table of strings rendered with aligned columns: columns whose cells are all numbers
/// are right-aligned, the first column and text columns left-aligned.
class TextTable {
 public:
  /// A table with the column titles @p header and no rows yet.
  explicit TextTable(std::vector<std::string> header);

  /// Appends a row. @throws Error if it has a different number of cells than the header.
  void add_row(std::vector<std::string> cells);

  /// The table as Markdown, one line per row, ending in a newline.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// @p text as one CSV field (RFC 4180): as it is, or in double quotes (inner quotes
/// doubled) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

}  // namespace galaxyzoo
