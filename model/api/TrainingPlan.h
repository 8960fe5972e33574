#pragma once
// Everything `aunet train` decides before the first step: the preprocessing plan
// (stored in the model file), the network's size and the optimization settings.
// Made by pipeline/ExperimentPlanner from a dataset fingerprint; every field can
// be overridden by a JSON config (merged over toJson()) or a command-line flag.
// Torch-free.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/api/AugmentationPlan.h"
#include "model/api/PreprocessingPlan.h"

namespace aunet::model {

struct TrainingPlan {
  std::string dataset;                    // dataset name (provenance)
  int spatial_dims = 3;                   // 2: slices (k == 1), 3: volumes
  PreprocessingPlan preprocessing;        // patch_size in (i, j, k) order, k == 1 for 2D
  std::vector<int64_t> network_channels{16, 32, 64, 128, 256};  // features per level
  int batch_size = 2;
  int epochs = 100;
  int iterations_per_epoch = 250;
  std::string optimizer = "sgd";          // "sgd" (Nesterov, momentum 0.99) or "adamw"
  double learning_rate = 1e-2;            // initial; decays as (1 - epoch/epochs)^0.9
  double weight_decay = 3e-5;
  double gradient_clip = 12.0;            // max global gradient norm
  double foreground_fraction = 1.0 / 3.0; // patches centred on a foreground voxel
  int validate_every = 1;                 // epochs between validations (the last always validates)
  AugmentationPlan augmentation;          // probabilities and ranges per sample
  // "auto" (bf16 autocast on CUDA and on CPUs with native bf16, else fp32), "off", "bf16" or "fp16" (CUDA,
  // with dynamic loss scaling). bf16 also runs on the CPU (autocast), mostly for tests.
  std::string mixed_precision = "auto";

  nlohmann::json toJson() const;
  // Missing keys keep their defaults; wrong types or values throw
  // core::Error("<source>: <reason>").
  static TrainingPlan fromJson(const nlohmann::json& json, const std::string& source);
  // toJson() with `overrides` merged over it (JSON merge patch), re-validated.
  TrainingPlan withOverrides(const nlohmann::json& overrides, const std::string& source) const;
  // Throws core::Error(source: reason) when a value cannot train.
  void validate(const std::string& source) const;
};

}  // namespace aunet::model
