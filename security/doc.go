// Package security holds the application's cryptographic building blocks:
// password hashing (argon2id) and the password policy, random tokens and
// codes, and sealing with AES-256-GCM, including the envelope encryption and
// streaming format used for identity documents.
//
// Nothing here knows about HTTP or storage; callers keep the outputs
// (encoded hashes, token hashes, wrapped keys, sealed values) wherever they
// keep the rest of their data.
package security
