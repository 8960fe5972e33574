#include "io/DicomCodes.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace aunet::io {

namespace {

const DicomCode kAnatomicalStructure{"91723000", "SCT", "Anatomical Structure"};
const DicomCode kTissue{"85756007", "SCT", "Tissue"};
const DicomCode kAlteredStructure{"49755003", "SCT", "Morphologically Altered Structure"};

struct KnownConcept {
  const char* words;  // lower-case words of the name
  DicomCode type;
  const DicomCode* category;
};

// Keys are compared as sorted words, so "kidney_left", "left kidney" and "Kidney L" match.
const KnownConcept kKnown[] = {
    {"brain", {"12738006", "SCT", "Brain"}, &kAnatomicalStructure},
    {"liver", {"10200004", "SCT", "Liver"}, &kAnatomicalStructure},
    {"spleen", {"78961009", "SCT", "Spleen"}, &kAnatomicalStructure},
    {"stomach", {"69695003", "SCT", "Stomach"}, &kAnatomicalStructure},
    {"kidney", {"64033007", "SCT", "Kidney"}, &kAnatomicalStructure},
    {"kidney right", {"9846003", "SCT", "Right kidney"}, &kAnatomicalStructure},
    {"kidney left", {"18639004", "SCT", "Left kidney"}, &kAnatomicalStructure},
    {"gallbladder", {"28231008", "SCT", "Gallbladder"}, &kAnatomicalStructure},
    {"pancreas", {"15776009", "SCT", "Pancreas"}, &kAnatomicalStructure},
    {"aorta", {"15825003", "SCT", "Aorta"}, &kAnatomicalStructure},
    {"heart", {"80891009", "SCT", "Heart"}, &kAnatomicalStructure},
    {"lung", {"39607008", "SCT", "Lung"}, &kAnatomicalStructure},
    {"lung right", {"3341006", "SCT", "Right lung"}, &kAnatomicalStructure},
    {"left lung", {"44029006", "SCT", "Left lung"}, &kAnatomicalStructure},
    {"colon", {"71854001", "SCT", "Colon"}, &kAnatomicalStructure},
    {"esophagus", {"32849002", "SCT", "Esophagus"}, &kAnatomicalStructure},
    {"duodenum", {"38848004", "SCT", "Duodenum"}, &kAnatomicalStructure},
    {"bowel small", {"30315005", "SCT", "Small intestine"}, &kAnatomicalStructure},
    {"intestine small", {"30315005", "SCT", "Small intestine"}, &kAnatomicalStructure},
    {"bladder urinary", {"89837001", "SCT", "Urinary bladder"}, &kAnatomicalStructure},
    {"bladder", {"89837001", "SCT", "Urinary bladder"}, &kAnatomicalStructure},
    {"prostate", {"41216001", "SCT", "Prostate"}, &kAnatomicalStructure},
    {"adrenal gland", {"23451007", "SCT", "Adrenal gland"}, &kAnatomicalStructure},
    {"cava inferior vena", {"64131007", "SCT", "Inferior vena cava"}, &kAnatomicalStructure},
    {"spinal cord", {"2748008", "SCT", "Spinal cord"}, &kAnatomicalStructure},
    {"hippocampus", {"5300000", "SCT", "Hippocampus"}, &kAnatomicalStructure},
    {"matter white", {"68523003", "SCT", "White matter"}, &kTissue},
    {"gray matter", {"45380005", "SCT", "Gray matter"}, &kTissue},
    {"grey matter", {"45380005", "SCT", "Gray matter"}, &kTissue},
    {"tumor", {"108369006", "SCT", "Neoplasm"}, &kAlteredStructure},
};

// Lower-case words of `name` (split at spaces, '_', '-'), with the abbreviations
// "l"/"r" spelled out, sorted.
std::string normalisedWords(const std::string& name) {
  std::string text;
  for (char c : name) text += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : ' ';
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) {
    if (w == "l") w = "left";
    if (w == "r") w = "right";
    if (w == "tumour") w = "tumor";
    words.push_back(w);
  }
  std::sort(words.begin(), words.end());
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  return joined;
}

}  // namespace

DicomSegmentCodes dicomCodesForLabel(const std::string& name) {
  const std::string words = normalisedWords(name);
  for (const KnownConcept& c : kKnown) {
    if (normalisedWords(c.words) == words) return {*c.category, c.type, true};
  }
  return {kTissue, kTissue, false};
}

}  // namespace aunet::io
