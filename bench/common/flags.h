// Command-line flags for the benchmark tools: `--name value`, `--name=value` and bare
// `--switch`. Deliberately tiny: the tools are driven by scripts, and an unknown flag or a
// malformed number ends the program with a message rather than being guessed at.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ringmail::bench {

class Flags {
 public:
  // `known` lists every accepted flag name (with the leading "--"); `switches` the ones that
  // take no value.
  Flags(int argc, char** argv, std::initializer_list<std::string_view> known,
        std::initializer_list<std::string_view> switches = {}) {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      std::string_view value;
      bool has_value = false;
      if (size_t eq = arg.find('='); eq != std::string_view::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_value = true;
      }
      if (!Contains(known, arg) && !Contains(switches, arg)) Fail("unknown flag", arg);
      if (Contains(switches, arg)) {
        values_[std::string(arg)] = "1";
        continue;
      }
      if (!has_value) {
        if (i + 1 >= argc) Fail("missing value for", arg);
        value = argv[++i];
      }
      values_[std::string(arg)] = std::string(value);
    }
  }

  bool Has(std::string_view name) const { return values_.count(std::string(name)) != 0; }

  std::string String(std::string_view name, std::string_view fallback) const {
    auto it = values_.find(std::string(name));
    return it == values_.end() ? std::string(fallback) : it->second;
  }

  int64_t Int(std::string_view name, int64_t fallback) const {
    auto it = values_.find(std::string(name));
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (end == it->second.c_str() || *end != '\0') Fail("not an integer:", it->second);
    return v;
  }

  double Double(std::string_view name, double fallback) const {
    auto it = values_.find(std::string(name));
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    double v = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') Fail("not a number:", it->second);
    return v;
  }

  // A comma-separated list of integers ("0,1").
  std::vector<int> IntList(std::string_view name, std::string_view fallback) const {
    std::vector<int> out;
    std::string text = String(name, fallback);
    size_t pos = 0;
    while (pos < text.size()) {
      size_t comma = text.find(',', pos);
      if (comma == std::string::npos) comma = text.size();
      std::string item = text.substr(pos, comma - pos);
      char* end = nullptr;
      long v = std::strtol(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0') Fail("not an integer list:", text);
      out.push_back(static_cast<int>(v));
      pos = comma + 1;
    }
    return out;
  }

 private:
  static bool Contains(std::initializer_list<std::string_view> list, std::string_view s) {
    for (std::string_view x : list) {
      if (x == s) return true;
    }
    return false;
  }
  [[noreturn]] static void Fail(const char* what, std::string_view arg) {
    std::fprintf(stderr, "%s %.*s\n", what, static_cast<int>(arg.size()), arg.data());
    std::exit(2);
  }

  std::map<std::string, std::string> values_;
};

}  // namespace ringmail::bench
