#include "galaxyzoo/model/catalog_classifier.hpp"

#include <algorithm>
#include <charconv>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/parallel.hpp"
#include "galaxyzoo/model/classifier.hpp"

namespace galaxyzoo {
namespace {

std::string float_text(float v) {
  char text[32];
  const auto r = std::to_chars(text, text + sizeof text, v);
  return std::string(text, r.ptr);
}

// The columns classify reads, found; and none of those it adds is there already.
struct Columns {
  std::size_t id = 0, ra = 0, dec = 0;
  bool position = false;
};
Columns find_columns(const Catalog& catalog, const CatalogClassifyOptions& options,
                     const std::vector<std::string>& class_names, bool position) {
  Columns c;
  c.id = catalog.column_index(options.id_column);
  c.position = position;
  if (position) {
    c.ra = catalog.column_index(options.ra_column);
    c.dec = catalog.column_index(options.dec_column);
  }
  for (const auto& name : added_columns(class_names)) {
    if (catalog.find(name) < catalog.columns.size()) {
      throw InputError(catalog.source, catalog.format == Catalog::Format::csv ? 1 : 0, name,
                       "classify adds a column of this name: rename the catalogue's column");
    }
  }
  return c;
}

GalaxyImage row_image(const Catalog& catalog, const Columns& c, std::size_t row,
                      const GalaxyImageSource& images) {
  std::optional<SkyPosition> position;
  if (c.position) {
    try {
      position = SkyPosition{catalog.number(row, c.ra), catalog.number(row, c.dec)};
    } catch (const InputError& e) {
      return {{}, e.what()};
    }
  }
  return images.image(catalog.text(row, c.id), position);
}

// The rows @p rows of @p catalog, every column as it was.
Catalog select_rows(const Catalog& catalog, const std::vector<std::size_t>& rows) {
  Catalog out;
  out.source = catalog.source;
  out.format = catalog.format;
  for (const auto& c : catalog.columns) {
    CatalogColumn column{c.name, c.type, {}, c.fits_format, c.unit};
    column.values.reserve(rows.size());
    for (const std::size_t r : rows) column.values.push_back(c.values[r]);
    out.columns.push_back(std::move(column));
  }
  return out;
}

}  // namespace

std::string probability_column(const std::string& class_name) { return "p_" + class_name; }

std::vector<std::string> added_columns(const std::vector<std::string>& class_names) {
  std::vector<std::string> names{kPredictedColumn, kPredictedClassColumn};
  for (const auto& name : class_names) names.push_back(probability_column(name));
  return names;
}

std::vector<std::size_t> add_prediction_columns(
    Catalog& table, const std::vector<std::vector<float>>& probabilities,
    const std::vector<std::string>& class_names) {
  if (!table.columns.empty() && probabilities.size() != table.rows()) {
    throw Error("add_prediction_columns: " + std::to_string(probabilities.size()) +
                " predictions for " + std::to_string(table.rows()) + " rows");
  }
  std::size_t width = 1;
  for (const auto& name : class_names) width = std::max(width, name.size());
  CatalogColumn label{kPredictedColumn, ColumnType::integer, {}, "1I", ""};
  CatalogColumn name{kPredictedClassColumn, ColumnType::text, {}, std::to_string(width) + "A", ""};
  std::vector<CatalogColumn> p;
  for (const auto& n : class_names)
    p.push_back({probability_column(n), ColumnType::real, {}, "1E", ""});
  std::vector<std::size_t> per_class(class_names.size(), 0);
  for (const auto& row : probabilities) {
    if (row.size() != class_names.size()) {
      throw Error("add_prediction_columns: " + std::to_string(row.size()) + " probabilities for " +
                  std::to_string(class_names.size()) + " classes");
    }
    const auto k = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    ++per_class[k];
    label.values.push_back(std::to_string(k));
    name.values.push_back(class_names[k]);
    for (std::size_t j = 0; j < row.size(); ++j) p[j].values.push_back(float_text(row[j]));
  }
  table.add_column(std::move(label));
  table.add_column(std::move(name));
  for (auto& column : p) table.add_column(std::move(column));
  return per_class;
}

CatalogClassification classify_catalog(GalaxyClassifier& classifier, const Catalog& catalog,
                                       const GalaxyImageSource& images,
                                       const CatalogClassifyOptions& options) {
  const Columns columns =
      find_columns(catalog, options, classifier.class_names(), images.cuts_from_survey());
  CatalogClassification result;
  std::vector<std::size_t> classified;
  std::vector<std::vector<float>> probabilities;
  const std::size_t rows = catalog.rows(), batch = std::max<std::size_t>(1, options.batch_size);
  for (std::size_t start = 0; start < rows; start += batch) {
    const std::size_t n = std::min(batch, rows - start);
    std::vector<GalaxyImage> made(n);
    parallel_for(n, options.num_workers,
                 [&](std::size_t i) { made[i] = row_image(catalog, columns, start + i, images); });
    std::vector<Image> ready;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t row = start + i;
      if (made[i].ok()) {
        ready.push_back(std::move(made[i].image));
        classified.push_back(row);
      } else {
        result.failures.push_back(
            {row, catalog.text(row, columns.id), catalog.where(row), made[i].failure});
      }
    }
    for (auto& p : classifier.classify(ready, options.tta)) probabilities.push_back(std::move(p));
    if (options.on_progress) options.on_progress(start + n, rows);
  }
  result.table = select_rows(catalog, classified);
  result.per_class = add_prediction_columns(result.table, probabilities, classifier.class_names());
  return result;
}

}  // namespace galaxyzoo
