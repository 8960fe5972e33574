#pragma once
// UIDs for the objects aunet writes. aunet has no registered org root, so it uses the
// 2.25 arc (ISO/IEC 9834-8: a 128-bit number written in decimal), never a toolkit's
// example root: random for new instances, hashed from a seed where the same input
// must always give the same UID (a series' derived Study/Series UIDs).

#include <string>

namespace aunet::io::internal {

// A new 2.25 UID from 128 random bits.
std::string newDicomUid();

// A 2.25 UID that depends only on `seed` (a 128-bit FNV-1a hash of it).
std::string derivedDicomUid(const std::string& seed);

}  // namespace aunet::io::internal
