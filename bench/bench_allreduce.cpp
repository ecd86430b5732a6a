// bench_allreduce: the time of averaging one training step's gradients over the ranks
// (DistributedContext::allreduce_mean on tensors shaped as the trainable parameters of a
// VGG16Classifier). Start it as the ranks of a world (torchrun's variables); rank 0
// prints JSON. bench/run_ddp_bench.py runs it beside the training figures.
#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/distributed.hpp>
#include <galaxyzoo/model/vgg16_classifier.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{"Time the gradient all-reduce of data-parallel training."};
  int image_size = 64, freeze_before = 21, repeats = 10;
  app.add_option("--image_size", image_size, "Network input side (sizes the head)")
      ->capture_default_str();
  app.add_option("--freeze_before", freeze_before, "features children before this index are frozen")
      ->capture_default_str();
  app.add_option("--repeats", repeats, "Timed all-reduces (after one untimed)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    auto dist = galaxyzoo::DistributedContext::from_environment();
    galaxyzoo::VGG16Classifier model(
        galaxyzoo::VGG16ClassifierOptions(5).image_size(image_size).freeze_before(freeze_before));
    std::vector<torch::Tensor> grads;
    std::int64_t floats = 0;
    for (const auto& p : model->parameters()) {
      if (!p.requires_grad()) continue;
      grads.push_back(torch::randn_like(p));
      floats += p.numel();
    }
    dist->allreduce_mean(grads);
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
      dist->barrier();
      const auto start = std::chrono::steady_clock::now();
      dist->allreduce_mean(grads);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    if (dist->is_main()) {
      std::cout << "{\"world_size\": " << dist->world_size() << ", \"floats\": " << floats
                << ", \"median_seconds\": " << seconds[seconds.size() / 2]
                << ", \"min_seconds\": " << seconds.front() << "}\n";
    }
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "bench_allreduce: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
