"""MLP.forward flattens with x.view(-1, sizes[0]) and checks nothing, so a wrong image size is not a ValueError."""

_Checked = MLP


class MLP(_Checked):
    def forward(self, x):
        return self.net(x.reshape(-1, self.net[0].in_features))
