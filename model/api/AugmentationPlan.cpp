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
          {"contrast", contrast},       {"gamma", gamma}};
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
  return a;
}

}  // namespace aunet::model
