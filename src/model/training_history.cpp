#include "galaxyzoo/model/training_history.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/event_log.hpp"
#include "galaxyzoo/images/plot.hpp"

namespace galaxyzoo {
namespace {

// The epoch as the user counts it.
std::int64_t shown_epoch(const EpochStats& stats) { return stats.epoch + 1; }

}  // namespace

std::string format_epoch_line(const EpochStats& stats, std::int64_t epochs) {
  char line[200];
  std::snprintf(line, sizeof line,
                "epoch %lld/%lld  train loss %.4f acc %.3f  val loss %.4f acc %.3f  %.1f "
                "images/s  %.0f s",
                static_cast<long long>(shown_epoch(stats)), static_cast<long long>(epochs),
                stats.train_loss, stats.train_accuracy, stats.val_loss, stats.val_accuracy,
                stats.images_per_second, stats.seconds);
  return line;
}

Image training_curves(const std::vector<EpochStats>& history) {
  LinePlot loss({"Loss", "epoch", "cross-entropy"});
  LinePlot accuracy({"Accuracy", "epoch", "fraction correct"});
  Series train_loss{"train", {}, {}}, val_loss{"val", {}, {}}, train_acc{"train", {}, {}},
      val_acc{"val", {}, {}};
  for (const auto& h : history) {
    const double e = static_cast<double>(shown_epoch(h));
    for (auto* s : {&train_loss, &val_loss, &train_acc, &val_acc}) s->x.push_back(e);
    train_loss.y.push_back(h.train_loss);
    val_loss.y.push_back(h.val_loss);
    train_acc.y.push_back(h.train_accuracy);
    val_acc.y.push_back(h.val_accuracy);
  }
  loss.add(train_loss);
  accuracy.add(train_acc);
  if (std::any_of(history.begin(), history.end(),
                  [](const EpochStats& h) { return std::isfinite(h.val_loss); })) {
    loss.add(val_loss);
    accuracy.add(val_acc);
    // A ring at the best epoch (lowest validation loss, the one early stopping keeps).
    std::size_t best = 0;
    for (std::size_t i = 0; i < history.size(); ++i) {
      const double v = history[i].val_loss;
      if (std::isfinite(v) && !(history[best].val_loss <= v)) best = i;
    }
    Series marker{"best epoch " + std::to_string(shown_epoch(history[best])),
                  {val_loss.x[best]},
                  {val_loss.y[best]}};
    marker.line = false, marker.marker = Marker::ring, marker.colour = "#000000", marker.size = 8;
    loss.add(marker);
  }
  return render_panels({loss, accuracy});
}

void write_history_csv(const std::vector<EpochStats>& history, const std::filesystem::path& file) {
  std::ostringstream out;
  out.precision(8);
  out << "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second\n";
  for (const auto& h : history) {
    out << shown_epoch(h) << ',' << h.train_loss << ',' << h.train_accuracy << ',' << h.val_loss
        << ',' << h.val_accuracy << ',' << h.seconds << ',' << h.images_per_second << '\n';
  }
  write_file_atomically(file, out.str());
}

void emit_epoch_event(const EpochStats& stats, std::int64_t epochs) {
  if (!event_sink_set()) return;
  Event event;
  event.type = "epoch";
  event.number("epoch", static_cast<double>(shown_epoch(stats)))
      .number("epochs", static_cast<double>(epochs))
      .number("train_loss", stats.train_loss)
      .number("train_accuracy", stats.train_accuracy)
      .number("val_loss", stats.val_loss)
      .number("val_accuracy", stats.val_accuracy)
      .number("seconds", stats.seconds)
      .number("images_per_second", stats.images_per_second);
  emit_event(event);
}

void write_training_history(const std::vector<EpochStats>& history,
                            const std::filesystem::path& csv, const std::filesystem::path& png) {
  write_history_csv(history, csv);
  write_png(training_curves(history), png);
}

}  // namespace galaxyzoo
