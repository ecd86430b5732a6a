#include "galaxyzoo/core/text_table.hpp"

#include <algorithm>
#include <utility>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  if (cells.size() != header_.size()) {
    throw Error("TextTable: row has " + std::to_string(cells.size()) + " cells, header has " +
                std::to_string(header_.size()));
  }
  rows_.push_back(std::move(cells));
}

namespace {

bool looks_numeric(const std::string& cell) {
  return cell.find_first_not_of("0123456789.,-+eE% ") == std::string::npos;
}

}  // namespace

std::string TextTable::render() const {
  // Columns holding only numbers are right-aligned; text columns and the first
  // column are left-aligned.
  std::vector<bool> right(header_.size(), false);
  for (std::size_t c = 1; c < header_.size(); ++c) {
    right[c] = std::all_of(rows_.begin(), rows_.end(),
                           [c](const auto& row) { return looks_numeric(row[c]); });
  }
  std::vector<std::size_t> width(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    width[c] = std::max<std::size_t>(header_[c].size(), 3);
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - cells[c].size(), ' ');
      out += ' ';
      out += right[c] ? pad + cells[c] : cells[c] + pad;
      out += " |";
    }
    return out + "\n";
  };
  std::string out = line(header_);
  out += "|";
  for (std::size_t c = 0; c < header_.size(); ++c) {
    out += right[c] ? std::string(width[c] + 1, '-') + ":" : std::string(width[c] + 2, '-');
    out += "|";
  }
  out += "\n";
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + '"';
}

}  // namespace galaxyzoo
