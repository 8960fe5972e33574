#include "model/Normalization.h"

#include "core/Error.h"

namespace aunet::model {

std::string toString(Normalization norm) {
  switch (norm) {
    case Normalization::Batch:
      return "batch";
    case Normalization::Instance:
      return "instance";
  }
  throw core::Error("unknown normalization value " + std::to_string(static_cast<int>(norm)));
}

Normalization normalizationFromString(const std::string& name) {
  if (name == "batch") return Normalization::Batch;
  if (name == "instance") return Normalization::Instance;
  throw core::Error("unknown normalization '" + name + "' (expected batch or instance)");
}

}  // namespace aunet::model
