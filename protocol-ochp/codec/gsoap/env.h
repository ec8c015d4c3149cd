// SPDX-License-Identifier: GPL-2.0-or-later
//
// gSOAP interface header (soapcpp2 input, not C++): the SOAP 1.1 envelope module of the OCHP
// codec. Compiled by `soapcpp2 -penv` in the global namespace, as gSOAP requires for the one
// module that owns SOAP_ENV__Header / SOAP_ENV__Fault when the data modules use `-q`.
//
// The header carries the OASIS WS-Security 1.0 UsernameToken (PasswordText) that OCHP 1.4 uses
// on the clearing-house interface, declared here by hand (only what OCHP needs: Username,
// Password with its Type attribute, the optional Nonce / wsu:Created / wsu:Id that real clients
// such as WWCP add), so the codec needs neither the full wsse.h import nor the OpenSSL plugin.

#import "stlvector.h"

// SOAP-ENV / SOAP-ENC are the SOAP 1.1 namespaces: soapcpp2 runs with -1.

//gsoap wsse schema namespace: http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd
//gsoap wsse schema elementForm: qualified
//gsoap wsse schema attributeForm: unqualified

//gsoap wsu schema namespace: http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd
//gsoap wsu schema elementForm: qualified
//gsoap wsu schema attributeForm: unqualified

/// wsse:Password: the password text plus its Type URI (…#PasswordText).
struct _wsse__Password {
  std::string __item;
  @std::string* Type;
};

/// wsse:Nonce (base64 text, optional EncodingType).
struct _wsse__Nonce {
  std::string __item;
  @std::string* EncodingType;
};

/// wsse:UsernameToken.
struct _wsse__UsernameToken {
  std::string Username 1;
  struct _wsse__Password* Password 0;
  struct _wsse__Nonce* Nonce 0;
  std::string* wsu__Created 0;
  @std::string* wsu__Id;
};

/// wsse:Security. SOAP-ENV:mustUnderstand="1" is written by gSOAP itself because the header
/// member below is declared `mustUnderstand`.
struct _wsse__Security {
  struct _wsse__UsernameToken* UsernameToken 0;
};

/// The SOAP 1.1 header: only WS-Security is understood.
struct SOAP_ENV__Header {
  mustUnderstand struct _wsse__Security* wsse__Security 0;
};
