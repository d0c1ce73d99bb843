// SASL server mechanisms: PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login) and
// SCRAM-SHA-256 (RFC 5802, RFC 7677). Pure state machines: no I/O, no directory access, no
// password checks. Any core or thread; one exchange belongs to one session.
//
// Who does what:
//   protocol (imap/, smtp/): reads the client's lines, turns each into decoded bytes with
//     DecodeSaslResponse() (which answers "*" as a cancel and "=" as an empty response),
//     base64-encodes SaslStep::data into "+ ..." / "334 ..." continuations, and maps a
//     SaslFailure to NO/BAD or 535/501.
//   Authenticator (directory/): creates the SaslExchange, looks up the principal when a
//     step asks for it, verifies (authcid, password) for PLAIN/LOGIN and decides whether
//     authcid may act as authzid.
//   SaslExchange (this file): parses and checks the mechanisms' messages and computes and
//     verifies the SCRAM proofs.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/utf8.h"
#include "directory/secret.h"

namespace ringmail {

// Largest decoded client response (one message); larger ones fail with kTooLong.
inline constexpr size_t kSaslResponseSizeMax = 8192;
// The same limit for the base64 text of one response, before decoding.
inline constexpr size_t kSaslEncodedResponseSizeMax = (kSaslResponseSizeMax + 2) / 3 * 4;
// Client messages per exchange (the initial response counts): PLAIN needs 1, LOGIN 2,
// SCRAM-SHA-256 3 (client-first, client-final, the empty answer to server-final).
inline constexpr int kSaslStepsMax = 4;
// RFC 4616's limit on each of PLAIN's three fields, applied to the names and passwords of
// every mechanism.
inline constexpr size_t kSaslFieldSizeMax = 255;
// What an unknown user (or one without SCRAM credentials) is offered, so that the
// server-first message does not tell whether the name exists.
inline constexpr int kScramFakeIterations = 4096;
inline constexpr size_t kScramFakeSaltSize = 16;
// Random bytes in our part of the SCRAM nonce (base64-encoded after the client's part).
inline constexpr size_t kScramServerNonceSize = 24;

enum class SaslMechanismKind { kPlain, kLogin, kScramSha256 };

// "PLAIN" | "LOGIN" | "SCRAM-SHA-256": the names to advertise.
std::string_view SaslMechanismName(SaslMechanismKind kind);
// The mechanism named `name`, case-insensitively; nullopt for any other (including
// SCRAM-SHA-256-PLUS, which we do not offer).
std::optional<SaslMechanismKind> ParseSaslMechanism(std::string_view name);

enum class SaslError {
  kMalformed,             // the client's message breaks the mechanism's grammar or limits
  kCancelled,             // the client sent "*"
  kTooLong,               // a response over kSaslResponseSizeMax
  kAuthenticationFailed,  // well-formed, but the proof is wrong (or the user unknown)
  kUnsupported,           // a feature we do not offer: channel binding, SCRAM "m=" extension
};

std::string_view SaslErrorName(SaslError error);

struct SaslFailure {
  SaslError error = SaslError::kMalformed;
  std::string reason;  // for logs; never sent to the client (it may echo client input)
};

struct SaslStep {
  enum class Kind {
    kChallenge,             // send `data` to the client, then call Step() with its response
    kCheckPassword,         // PLAIN/LOGIN are done: the caller verifies (authcid(),
                            // password()) and decides about authzid(); no more calls
    kNeedScramCredentials,  // look up authcid() and call ProvideScramCredentials()
    kSuccess,               // authenticated; `data` is final server data (empty unless the
                            // exchange was created with success_carries_data)
    kFailure,               // the exchange is over: `failure` says why
  };
  Kind kind = Kind::kFailure;
  std::string data;  // decoded bytes; the protocol base64-encodes them
  SaslFailure failure;
};

// One AUTHENTICATE / AUTH command. A value type holding every mechanism's state (a few
// strings), so a session keeps one in a std::optional without a heap allocation of its own;
// not copyable or movable, so the password and keys it holds are wiped in one place, its
// destructor.
//
// Call sequence: Start() once, then Step() after each kChallenge, and
// ProvideScramCredentials() after kNeedScramCredentials. Calling anything else (or anything
// after kCheckPassword, kSuccess or kFailure) is a bug and CHECK-fails.
class SaslExchange {
 public:
  // `success_carries_data`: whether the protocol can send data with its success reply (IMAP
  // with SASL-IR per RFC 4959/9051: yes; SMTP per RFC 4954: no). When it cannot, SCRAM's
  // server-final message is sent as one more kChallenge, the client must answer it with an
  // empty response, and only then comes kSuccess (with empty `data`).
  explicit SaslExchange(SaslMechanismKind kind, bool success_carries_data = false);
  ~SaslExchange();
  SaslExchange(const SaslExchange&) = delete;
  SaslExchange& operator=(const SaslExchange&) = delete;

  SaslMechanismKind kind() const { return kind_; }

  // Begins the exchange. `initial_response`: the decoded SASL-IR argument, if the client
  // sent one (an empty one is "=" on the wire); nullopt when it did not.
  SaslStep Start(std::optional<std::string_view> initial_response);
  // The client's decoded answer to the last kChallenge.
  SaslStep Step(std::string_view client_response);
  // Answers kNeedScramCredentials: `credentials` of authcid(), or nullptr when the user is
  // unknown, inactive or has no SCRAM-capable secret. With nullptr the exchange goes on with
  // a salt derived from the name (stable within the process, unguessable) and
  // kScramFakeIterations, and fails at the proof with kAuthenticationFailed, so a client
  // cannot tell which names exist. Credentials of the wrong shape (key sizes other than 32,
  // iterations < 1) are treated as nullptr. Not retained beyond the call.
  SaslStep ProvideScramCredentials(const ScramCredentials* credentials);

  // The authentication identity (login name) once a step has parsed it: PLAIN's authcid,
  // LOGIN's user name, SCRAM's n= (unescaped). Empty before.
  const std::string& authcid() const { return authcid_; }
  // The authorization identity the client asked for (PLAIN's first field, SCRAM's a=), or
  // empty. The caller refuses one that differs from authcid() unless authcid() may act as
  // others.
  const std::string& authzid() const { return authzid_; }
  // PLAIN/LOGIN's password, valid after kCheckPassword. Raw bytes (valid UTF-8, no NUL).
  const std::string& password() const { return password_; }

  // Test hook: our part of the next SCRAM nonce, used verbatim instead of random bytes.
  // REQUIRES: printable ASCII other than ','.
  void SetServerNonceForTest(std::string nonce) { test_server_nonce_ = std::move(nonce); }

 private:
  enum class State {
    kStart,
    kPlainResponse,     // PLAIN: waiting for the one message
    kLoginUser,         // LOGIN: sent "Username:"
    kLoginPassword,     // LOGIN: sent "Password:"
    kScramFirst,        // SCRAM: waiting for client-first
    kScramCredentials,  // SCRAM: waiting for ProvideScramCredentials()
    kScramFinal,        // SCRAM: sent server-first, waiting for client-final
    kScramAck,          // SCRAM: sent server-final as a challenge, waiting for ""
    kDone,
  };

  SaslStep Receive(std::string_view message);
  SaslStep Fail(SaslError error, std::string reason);
  // Why `field` (a name or password) is unacceptable: empty, over kSaslFieldSizeMax, with a
  // NUL or not UTF-8; nullopt when it is fine.
  static std::optional<std::string> FieldProblem(std::string_view field, std::string_view what);
  // sasl_plain.cc
  SaslStep PlainMessage(std::string_view message);
  // sasl_login.cc
  SaslStep LoginStart(std::optional<std::string_view> initial_response);
  SaslStep LoginUser(std::string_view message);
  SaslStep LoginPassword(std::string_view message);
  // sasl_scram.cc
  SaslStep ScramClientFirst(std::string_view message);
  SaslStep ScramClientFinal(std::string_view message);
  SaslStep ScramAck(std::string_view message);

  SaslMechanismKind kind_;
  bool success_carries_data_;
  State state_ = State::kStart;
  int steps_ = 0;
  std::string authcid_;
  std::string authzid_;
  std::string password_;
  // SCRAM: "n,," or "y,,a=...," as sent; client-first-bare; the client's nonce, then the
  // combined one; server-first; the keys (fake ones for an unknown user).
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string nonce_;
  std::string server_first_;
  std::string stored_key_;
  std::string server_key_;
  std::string server_final_;
  std::string test_server_nonce_;
};

// Decodes one client response line as IMAP (RFC 9051 §6.2.2, RFC 4959) and SMTP (RFC 4954)
// send it, without its CRLF: "*" is a cancel (kCancelled); "=" and "" are an empty response;
// anything else must be strict base64 (kMalformed otherwise) of at most kSaslResponseSizeMax
// bytes (kTooLong). Used for the initial response and every continuation alike.
std::expected<std::string, SaslFailure> DecodeSaslResponse(std::string_view line);

// Our SASLprep (RFC 4013) for SCRAM user names. Full SASLprep needs NFKC normalization and
// the stringprep tables, which none of our dependencies provides, so: a string that is valid
// UTF-8 without control characters (C0, DEL, C1) is returned unchanged; anything else is
// nullopt. For ASCII this is exactly SASLprep; for non-ASCII it agrees with SASLprep on text
// already in NFKC without the rare "mapped to nothing"/non-ASCII-space characters, which is
// what clients send in practice. Passwords are not prepared here: SCRAM keys are derived
// from the password when it is set (directory/secret.h).
std::optional<std::string> SaslPrep(std::string_view text);

}  // namespace ringmail
