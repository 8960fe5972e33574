#include "model/api/TrainingPlan.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace aunet::model {

nlohmann::json TrainingPlan::toJson() const {
  return {{"dataset", dataset},
          {"spatial_dims", spatial_dims},
          {"preprocessing", preprocessing.toJson()},
          {"network_channels", network_channels},
          {"batch_size", batch_size},
          {"epochs", epochs},
          {"iterations_per_epoch", iterations_per_epoch},
          {"optimizer", optimizer},
          {"learning_rate", learning_rate},
          {"weight_decay", weight_decay},
          {"gradient_clip", gradient_clip},
          {"foreground_fraction", foreground_fraction},
          {"validate_every", validate_every},
          {"augmentation", augmentation.toJson()},
          {"mixed_precision", mixed_precision}};
}

TrainingPlan TrainingPlan::fromJson(const nlohmann::json& json, const std::string& source) {
  TrainingPlan p;
  try {
    if (!json.is_object()) throw core::Error(source, "a training plan must be a JSON object");
    p.dataset = json.value("dataset", p.dataset);
    p.spatial_dims = json.value("spatial_dims", p.spatial_dims);
    if (json.contains("preprocessing")) p.preprocessing = PreprocessingPlan::fromJson(json.at("preprocessing"));
    p.network_channels = json.value("network_channels", p.network_channels);
    p.batch_size = json.value("batch_size", p.batch_size);
    p.epochs = json.value("epochs", p.epochs);
    p.iterations_per_epoch = json.value("iterations_per_epoch", p.iterations_per_epoch);
    p.optimizer = json.value("optimizer", p.optimizer);
    p.learning_rate = json.value("learning_rate", p.learning_rate);
    p.weight_decay = json.value("weight_decay", p.weight_decay);
    p.gradient_clip = json.value("gradient_clip", p.gradient_clip);
    p.foreground_fraction = json.value("foreground_fraction", p.foreground_fraction);
    p.validate_every = json.value("validate_every", p.validate_every);
    if (json.contains("augmentation")) p.augmentation = AugmentationPlan::fromJson(json.at("augmentation"), source);
    p.mixed_precision = json.value("mixed_precision", p.mixed_precision);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    throw core::Error(source, "invalid training plan: " + reason.substr(0, reason.find('\n')));
  }
  p.validate(source);
  return p;
}

TrainingPlan TrainingPlan::withOverrides(const nlohmann::json& overrides, const std::string& source) const {
  if (!overrides.is_object()) throw core::Error(source, "a training config must be a JSON object");
  nlohmann::json merged = toJson();
  merged.merge_patch(overrides);
  return fromJson(merged, source);
}

void TrainingPlan::validate(const std::string& source) const {
  auto fail = [&](const std::string& reason) { throw core::Error(source, reason); };
  if (spatial_dims != 2 && spatial_dims != 3) fail("spatial_dims must be 2 or 3");
  if (preprocessing.target_spacing.size() != 3) fail("preprocessing.target_spacing needs 3 values (i, j, k)");
  for (double s : preprocessing.target_spacing)
    if (!(s > 0)) fail("preprocessing.target_spacing values must be positive");
  if (preprocessing.patch_size.size() != 3) fail("preprocessing.patch_size needs 3 values (i, j, k)");
  for (int64_t s : preprocessing.patch_size)
    if (s < 1) fail("preprocessing.patch_size values must be at least 1");
  if (spatial_dims == 2 && preprocessing.patch_size[2] != 1) fail("a 2D plan needs patch_size[2] == 1");
  if (network_channels.size() < 2) fail("network_channels needs at least 2 levels");
  const int64_t divisor = int64_t{1} << (network_channels.size() - 1);
  for (int d = 0; d < spatial_dims; ++d)
    if (preprocessing.patch_size[static_cast<size_t>(d)] % divisor != 0)
      fail("patch_size " + std::to_string(preprocessing.patch_size[static_cast<size_t>(d)]) +
           " is not divisible by 2^(levels-1) = " + std::to_string(divisor));
  if (batch_size < 1) fail("batch_size must be at least 1");
  if (epochs < 1) fail("epochs must be at least 1");
  if (iterations_per_epoch < 1) fail("iterations_per_epoch must be at least 1");
  if (optimizer != "sgd" && optimizer != "adamw") fail("optimizer must be \"sgd\" or \"adamw\", got \"" + optimizer + "\"");
  if (!(learning_rate > 0)) fail("learning_rate must be positive");
  if (!(weight_decay >= 0)) fail("weight_decay must not be negative");
  if (!(gradient_clip > 0)) fail("gradient_clip must be positive");
  if (!(foreground_fraction >= 0 && foreground_fraction <= 1)) fail("foreground_fraction must be in [0, 1]");
  if (validate_every < 1) fail("validate_every must be at least 1");
  augmentation.validate(source);
  if (mixed_precision != "auto" && mixed_precision != "off" && mixed_precision != "bf16" && mixed_precision != "fp16")
    fail("mixed_precision must be \"auto\", \"off\", \"bf16\" or \"fp16\", got \"" + mixed_precision + "\"");
}

}  // namespace aunet::model
