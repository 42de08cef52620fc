// The few pieces of libcurl's easy interface that `ranges update` uses, declared here because
// libcurl is loaded with dlopen when a download is asked for, not linked (see HTTPFetch.swift):
// linking it, through FoundationNetworking or directly, added 15-20 ms to the start of every
// command. The values are libcurl's stable ABI (curl/curl.h; unchanged since 7.x).
//
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call through a
// pointer; the inline functions below make each call with one fixed argument type.
#include <stddef.h>

enum {
    VPCFLOW_CURLOPT_WRITEDATA = 10001,
    VPCFLOW_CURLOPT_URL = 10002,
    VPCFLOW_CURLOPT_ERRORBUFFER = 10010,
    VPCFLOW_CURLOPT_LOW_SPEED_LIMIT = 19,
    VPCFLOW_CURLOPT_LOW_SPEED_TIME = 20,
    VPCFLOW_CURLOPT_USERAGENT = 10018,
    VPCFLOW_CURLOPT_FOLLOWLOCATION = 52,
    VPCFLOW_CURLOPT_MAXREDIRS = 68,
    VPCFLOW_CURLOPT_CONNECTTIMEOUT = 78,
    VPCFLOW_CURLOPT_NOSIGNAL = 99,
    VPCFLOW_CURLOPT_ACCEPT_ENCODING = 10102,
    VPCFLOW_CURLOPT_PROTOCOLS = 181,
    VPCFLOW_CURLOPT_REDIR_PROTOCOLS = 182,
    VPCFLOW_CURLOPT_WRITEFUNCTION = 20011,
    VPCFLOW_CURLPROTO_HTTP_HTTPS = 3,
    VPCFLOW_CURLINFO_RESPONSE_CODE = 0x200002,
    VPCFLOW_CURL_ERROR_SIZE = 256,
    VPCFLOW_CURL_GLOBAL_DEFAULT = 3,
};

/// What libcurl calls with each piece of the body; returns `size * count` to go on.
typedef size_t (*vpcflow_curl_write)(char *data, size_t size, size_t count, void *context);

static inline int vpcflow_curl_setopt_long(void *setopt, void *handle, int option, long value) {
    return ((int (*)(void *, int, ...))setopt)(handle, option, value);
}

static inline int vpcflow_curl_setopt_pointer(void *setopt, void *handle, int option, const void *value) {
    return ((int (*)(void *, int, ...))setopt)(handle, option, value);
}

static inline int vpcflow_curl_setopt_write(void *setopt, void *handle, vpcflow_curl_write value) {
    return ((int (*)(void *, int, ...))setopt)(handle, VPCFLOW_CURLOPT_WRITEFUNCTION, value);
}

static inline int vpcflow_curl_getinfo_long(void *getinfo, void *handle, int info, long *value) {
    return ((int (*)(void *, int, ...))getinfo)(handle, info, value);
}
