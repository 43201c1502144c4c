/* Symbol visibility: only functions marked EMBER_API leave libember. */
#ifndef EMBER_EXPORT_H
#define EMBER_EXPORT_H
#if defined(__GNUC__)
#define EMBER_API __attribute__((visibility("default")))
#else
#define EMBER_API
#endif
#endif
