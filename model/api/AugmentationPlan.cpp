#include "model/api/AugmentationPlan.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"

namespace aunet::model {

nlohmann::json AugmentationPlan::toJson() const {
  return {{"rotation", rotation},       {"max_rotation_degrees", max_rotation_degrees},
          {"scaling", scaling},         {"scale_min", scale_min},
          {"scale_max", scale_max},     {"deformation", deformation},
          {"deformation_voxels", deformation_voxels},
          {"mirror", mirror},           {"noise", noise},
          {"blur", blur},               {"brightness", brightness},
          {"contrast", contrast},       {"gamma", gamma},
          {"intensity_remap", intensity_remap},
          {"remap_non_monotone", remap_non_monotone},
          {"remap_inversion", remap_inversion},
          {"bias_field", bias_field},   {"bias_field_max", bias_field_max},
          {"low_resolution", low_resolution},
          {"low_resolution_max_factor", low_resolution_max_factor},
          {"synthetic", synthetic},     {"synthetic_context_classes", synthetic_context_classes}};
}

AugmentationPlan AugmentationPlan::fromJson(const nlohmann::json& json, const std::string& source) {
  AugmentationPlan a;
  try {
    if (!json.is_object()) throw core::Error(source, "augmentation must be a JSON object");
    for (const auto& item : json.items())
      if (!a.toJson().contains(item.key())) throw core::Error(source, "unknown augmentation field '" + item.key() + "'");
    a.rotation = json.value("rotation", a.rotation);
    a.max_rotation_degrees = json.value("max_rotation_degrees", a.max_rotation_degrees);
    a.scaling = json.value("scaling", a.scaling);
    a.scale_min = json.value("scale_min", a.scale_min);
    a.scale_max = json.value("scale_max", a.scale_max);
    a.deformation = json.value("deformation", a.deformation);
    a.deformation_voxels = json.value("deformation_voxels", a.deformation_voxels);
    a.mirror = json.value("mirror", a.mirror);
    a.noise = json.value("noise", a.noise);
    a.blur = json.value("blur", a.blur);
    a.brightness = json.value("brightness", a.brightness);
    a.contrast = json.value("contrast", a.contrast);
    a.gamma = json.value("gamma", a.gamma);
    a.intensity_remap = json.value("intensity_remap", a.intensity_remap);
    a.remap_non_monotone = json.value("remap_non_monotone", a.remap_non_monotone);
    a.remap_inversion = json.value("remap_inversion", a.remap_inversion);
    a.bias_field = json.value("bias_field", a.bias_field);
    a.bias_field_max = json.value("bias_field_max", a.bias_field_max);
    a.low_resolution = json.value("low_resolution", a.low_resolution);
    a.low_resolution_max_factor = json.value("low_resolution_max_factor", a.low_resolution_max_factor);
    a.synthetic = json.value("synthetic", a.synthetic);
    a.synthetic_context_classes = json.value("synthetic_context_classes", a.synthetic_context_classes);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    throw core::Error(source, "invalid augmentation: " + reason.substr(0, reason.find('\n')));
  }
  a.validate(source);
  return a;
}

void AugmentationPlan::validate(const std::string& source) const {
  auto probability = [&](double p, const char* name) {
    if (!(p >= 0 && p <= 1)) throw core::Error(source, std::string("augmentation.") + name + " must be in [0, 1]");
  };
  probability(rotation, "rotation");
  probability(scaling, "scaling");
  probability(deformation, "deformation");
  probability(mirror, "mirror");
  probability(noise, "noise");
  probability(blur, "blur");
  probability(brightness, "brightness");
  probability(contrast, "contrast");
  probability(gamma, "gamma");
  probability(intensity_remap, "intensity_remap");
  probability(remap_non_monotone, "remap_non_monotone");
  probability(remap_inversion, "remap_inversion");
  probability(bias_field, "bias_field");
  probability(low_resolution, "low_resolution");
  probability(synthetic, "synthetic");
  if (!(bias_field_max >= 0 && bias_field_max <= 10)) throw core::Error(source, "augmentation.bias_field_max must be in [0, 10]");
  if (!(low_resolution_max_factor >= 1.5 && low_resolution_max_factor <= 16))
    throw core::Error(source, "augmentation.low_resolution_max_factor must be in [1.5, 16]");
  if (synthetic_context_classes < 0 || synthetic_context_classes > 16)
    throw core::Error(source, "augmentation.synthetic_context_classes must be in [0, 16]");
  if (!(max_rotation_degrees >= 0 && max_rotation_degrees <= 180))
    throw core::Error(source, "augmentation.max_rotation_degrees must be in [0, 180]");
  if (!(scale_min > 0 && scale_max >= scale_min))
    throw core::Error(source, "augmentation.scale_min must be positive and at most scale_max");
  if (!(deformation_voxels >= 0)) throw core::Error(source, "augmentation.deformation_voxels must not be negative");
}

AugmentationPlan AugmentationPlan::none() {
  AugmentationPlan a;
  a.rotation = a.scaling = a.deformation = a.mirror = 0.0;
  a.noise = a.blur = a.brightness = a.contrast = a.gamma = 0.0;
  a.intensity_remap = a.bias_field = a.low_resolution = a.synthetic = 0.0;
  return a;
}

AugmentationPlan AugmentationPlan::withIntensityRandomization(bool on) const {
  AugmentationPlan a = *this;
  a.intensity_remap = on ? 0.5 : 0.0;
  a.bias_field = on ? 0.3 : 0.0;
  a.low_resolution = on ? 0.25 : 0.0;
  return a;
}

}  // namespace aunet::model
