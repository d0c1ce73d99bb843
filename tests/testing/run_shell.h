// Runs a shell command for a test (a Python reference script, a generator): its exit status,
// with its standard output and error appended to `*output`.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace ringmail::testing {

inline int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace ringmail::testing
