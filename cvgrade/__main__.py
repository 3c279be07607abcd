from cvgrade.cli import main

raise SystemExit(main())
