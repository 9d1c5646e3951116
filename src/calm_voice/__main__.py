from calm_voice.cli import main

raise SystemExit(main())
