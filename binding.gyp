{
  "targets": [
    {
      "target_name": "stepcount",
      "sources": [
        "addon/binding.cc",
        "addon/tracer.cc",
        "addon/spawn.cc",
        "addon/proc_files.cc",
        "addon/exec_maps.cc",
        "addon/written_paths.cc",
        "addon/region.cc",
        "addon/attach.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags": ["-fvisibility=hidden"]
    }
  ]
}
