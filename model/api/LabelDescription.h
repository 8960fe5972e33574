#pragma once
// Label names and colours from a description file beside a mask, so the viewer, the
// DICOM export and `aunet mesh` name labels the same way ("liver", never "label 3"):
//   aunet's labels.json        [{"value": 1, "name": "liver", "color": [r, g, b]}, ...]
//                              (or {"labels": [...]})
//   ITK-SNAP's label description (.txt), one label a line after '#' comments:
//                              IDX  -R-  -G-  -B-  -A--  VIS MSH  "LABEL"
//                              e.g.   1  255    0    0   1    1   1  "Liver"
// The format is told by the content (JSON starts with '[' or '{'), not the extension.

#include <string>
#include <vector>

#include "model/api/LabelInfo.h"

namespace aunet::model {

// `source` names the file in errors. Throws core::Error
// "<source>: <reason>" (line number for ITK-SNAP text). ITK-SNAP's label 0 ("Clear
// Label") is kept as background.
std::vector<LabelInfo> parseLabelDescription(const std::string& text, const std::string& source);
std::vector<LabelInfo> readLabelDescription(const std::string& path);

// The description file that belongs to a mask, or "" when there is none. Looked for
// beside it, first match wins: <stem>.json, <stem>.txt, <stem>_labels.json,
// <stem>_labels.txt, labels.json, labels.txt (stem: the name without .nii.gz/.nii/
// .nrrd/.mha/...).
std::string findLabelDescription(const std::string& maskPath);

// `labelsFile` when given, else the description found beside the mask, else none.
std::vector<LabelInfo> labelsForMask(const std::string& maskPath, const std::string& labelsFile = {});

}  // namespace aunet::model
