#pragma once
// Which feature normalization the network's conv blocks and gates use.

#include <string>

namespace aunet::model {

enum class Normalization { Batch, Instance };

std::string toString(Normalization norm);             // "batch" | "instance"
Normalization normalizationFromString(const std::string& name);  // throws core::Error on anything else

}  // namespace aunet::model
